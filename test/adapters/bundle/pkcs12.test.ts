import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { BundleError, type Bundle } from '../../../adapters/bundle/bundle.ts';
import { parseSecretValue } from '../../../adapters/bundle/parse-secret.ts';
import { readPkcs12 } from '../../../adapters/bundle/pkcs12.ts';
import { corpusCase, corpusValue } from './corpus-files.ts';
import { OpensslWorkspace, type Issued, type KeyAlgorithm } from './openssl-fixtures.ts';

const url = 'https://contoso.vault.azure.net/secrets/pfx';
const pkcs12 = 'application/x-pkcs12';

const workspace = new OpensslWorkspace();
const root = workspace.issue('root', { subject: '/O=Test PKI/CN=Test Root', ca: true });
const issuing = workspace.issue('issuing', { subject: '/O=Test PKI/CN=Test Issuing CA', ca: true, issuer: root });
const leaves = new Map<KeyAlgorithm, Issued>();

function leafWith(keyAlgorithm: KeyAlgorithm): Issued {
  if (!leaves.has(keyAlgorithm)) {
    const name = `leaf-${keyAlgorithm.replace(/\W/g, '')}`;
    leaves.set(keyAlgorithm, workspace.issue(name, { subject: `/CN=${name}.test`, keyAlgorithm, issuer: issuing }));
  }
  return leaves.get(keyAlgorithm)!;
}

function parsePfx(pfx: Buffer): Bundle {
  return parseSecretValue(pfx.toString('base64'), pkcs12, url);
}

function rejection(pfx: Buffer): BundleError {
  try {
    parsePfx(pfx);
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  assert.unreachable('the PFX parsed, but a BundleError was expected');
  throw new Error('unreachable');
}

function thumbprintOf(certificate: Issued): string {
  const der = workspace.run(['x509', '-in', `${certificate.name}.crt`, '-outform', 'DER']);
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

function definiteLength(tag: number, content: Buffer): Buffer {
  const length = content.length < 0x80 ? Buffer.from([content.length]) : Buffer.from([0x82, content.length >> 8, content.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

function indefiniteLength(tag: number, parts: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.from([0, 0])]);
}

/**
 * Re-encodes the outer layers of a DER PFX as BER: indefinite lengths, and the
 * AuthenticatedSafe bytes as a constructed OCTET STRING of 512-byte chunks. The MAC
 * covers only the bytes, so it still verifies.
 */
function toIndefiniteLengthBer(der: Buffer): Buffer {
  const pfx = forge.asn1.fromDer(der.toString('latin1'));
  const [version, authSafe, macData] = pfx.value as forge.asn1.Asn1[];
  const [contentType, explicit] = authSafe.value as forge.asn1.Asn1[];
  const content = Buffer.from((explicit.value as forge.asn1.Asn1[])[0].value as string, 'latin1');
  const encode = (node: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(node).getBytes(), 'latin1');

  const chunks: Buffer[] = [];
  for (let offset = 0; offset < content.length; offset += 512) {
    chunks.push(definiteLength(0x04, content.subarray(offset, offset + 512)));
  }
  const authSafeBer = indefiniteLength(0x30, [encode(contentType), indefiniteLength(0xa0, [indefiniteLength(0x24, chunks)])]);
  return indefiniteLength(0x30, [encode(version), authSafeBer, encode(macData)]);
}

const keys = suite('PFX key types');

for (const keyAlgorithm of ['RSA 2048', 'EC P-256', 'EC P-384', 'EC P-521', 'EC secp256k1'] as const) {
  keys(`${keyAlgorithm} leaf is found and named`, () => {
    const leaf = leafWith(keyAlgorithm);

    const bundle = parsePfx(workspace.exportPfx(leaf, [issuing, root]));

    assert.is(bundle.keyType, keyAlgorithm);
    assert.is(bundle.leaf.thumbprint, thumbprintOf(leaf));
    assert.equal(bundle.intermediates.map((certificate) => certificate.thumbprint), [thumbprintOf(issuing)]);
    assert.equal(bundle.roots.map((certificate) => certificate.thumbprint), [thumbprintOf(root)]);
  });
}

keys('Ed25519 key is unsupported', () => {
  const leaf = workspace.issue('ed', { subject: '/CN=ed.test', keyAlgorithm: 'Ed25519' });

  const error = rejection(workspace.exportPfx(leaf, []));

  assert.is(error.code, 'unsupported-key-type');
  assert.match(error.message, 'ed25519');
});

keys.run();

const protection = suite('PFX protection schemes');

protection('legacy RC2 and 3DES with an EC key', () => {
  const leaf = leafWith('EC P-384');

  const bundle = parsePfx(workspace.exportPfx(leaf, [issuing], ['-legacy']));

  assert.is(bundle.keyType, 'EC P-384');
  assert.is(bundle.leaf.thumbprint, thumbprintOf(leaf));
});

protection('unencrypted bags under a MAC', () => {
  const pfx = workspace.exportPfx(leafWith('EC P-256'), [issuing], ['-keypbe', 'NONE', '-certpbe', 'NONE']);

  assert.is(parsePfx(pfx).keyType, 'EC P-256');
});

protection('no MAC at all', () => {
  const pfx = workspace.exportPfx(leafWith('EC P-256'), [issuing], ['-nomac']);

  assert.is(parsePfx(pfx).intermediates.length, 1);
});

protection('3DES key and AES-128 certificates', () => {
  const pfx = workspace.exportPfx(leafWith('RSA 2048'), [], ['-keypbe', 'des-ede3-cbc', '-certpbe', 'aes-128-cbc']);

  assert.is(parsePfx(pfx).keyType, 'RSA 2048');
});

for (const [option, value] of [['-macalg', 'sha384'], ['-macalg', 'sha512'], ['-certpbe', 'aes-192-cbc']]) {
  protection(`${option} ${value} is read`, () => {
    const pfx = workspace.exportPfx(leafWith('EC P-256'), [issuing], [option, value]);

    assert.is(parsePfx(pfx).intermediates.length, 1);
  });
}

protection('BER with indefinite lengths and chunked content', () => {
  const der = workspace.exportPfx(leafWith('RSA 2048'), [issuing]);

  const ber = toIndefiniteLengthBer(der);
  assert.is(ber.readUInt16BE(0), 0x3080);

  const bundle = parsePfx(ber);

  assert.is(bundle.leaf.thumbprint, thumbprintOf(leafWith('RSA 2048')));
  assert.is(bundle.intermediates.length, 1);
});

protection('MD5 MAC still verifies', () => {
  const pfx = workspace.exportPfx(leafWith('EC P-256'), [], ['-macalg', 'md5']);

  assert.is(parsePfx(pfx).keyType, 'EC P-256');
});

protection('MAC over a zero-length empty password', () => {
  // forge writes plain bags and derives the MAC key from zero password bytes when
  // given null, as some Windows and Java exports do; OpenSSL uses two zero bytes.
  const traditional = corpusValue('pem-rsa-traditional');
  const key = forge.pki.privateKeyFromPem(traditional);
  const certificates = traditional.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)!
    .map((block) => forge.pki.certificateFromPem(block));
  const pfxAsn1 = forge.pkcs12.toPkcs12Asn1(key, certificates, null, { useMac: true });
  const pfx = Buffer.from(forge.asn1.toDer(pfxAsn1).getBytes(), 'latin1');

  const bundle = parsePfx(pfx);

  assert.is(bundle.leaf.thumbprint, corpusCase('pem-rsa-traditional').thumbprint);
  assert.is(bundle.intermediates.length, 1);
});

protection('password without a MAC is required', () => {
  workspace.run(['pkcs12', '-export', '-inkey', 'issuing.key', '-in', 'issuing.crt', '-nomac',
    '-passout', 'pass:not-empty', '-out', 'nomac-password.pfx']);

  const error = rejection(workspace.read('nomac-password.pfx'));

  assert.is(error.code, 'password-required');
  assert.match(error.message, 'does not decrypt with an empty password');
});

protection('SHA-224 MAC is unsupported', () => {
  const error = rejection(workspace.exportPfx(leafWith('EC P-256'), [], ['-macalg', 'sha224']));

  assert.is(error.code, 'unsupported-algorithm');
  assert.match(error.message, '2.16.840.1.101.3.4.2.4');
});

protection('Camellia PBES2 is unsupported', () => {
  const error = rejection(workspace.exportPfx(leafWith('EC P-256'), [], ['-certpbe', 'camellia-256-cbc']));

  assert.is(error.code, 'unsupported-algorithm');
  assert.match(error.message, 'PBES2');
});

protection('RC4 key encryption is unsupported', () => {
  const error = rejection(workspace.exportPfx(leafWith('EC P-256'), [], ['-legacy', '-keypbe', 'PBE-SHA1-RC4-128']));

  assert.is(error.code, 'unsupported-algorithm');
  assert.match(error.message, 'the private key in the PFX');
});

protection.run();

const contents = suite('PFX contents');

contents('key without certificates', () => {
  workspace.run(['pkcs12', '-export', '-inkey', 'issuing.key', '-nocerts', '-passout', 'pass:', '-out', 'key-only.pfx']);

  const error = rejection(workspace.read('key-only.pfx'));

  assert.is(error.code, 'no-certificate');
  assert.match(error.message, 'the PFX contains no certificate');
});

contents('certificates without a key', () => {
  workspace.run(['pkcs12', '-export', '-in', 'issuing.crt', '-nokeys', '-passout', 'pass:', '-out', 'certs-only.pfx']);

  const error = rejection(workspace.read('certs-only.pfx'));

  assert.is(error.code, 'no-private-key');
  assert.match(error.message, 'the PFX contains certificates but no private key');
});

contents('self-signed leaf is the leaf, not a root', () => {
  const selfSigned = workspace.issue('self', { subject: '/CN=self.test', extensions: ['subjectAltName=DNS:self.test'] });

  const bundle = parsePfx(workspace.exportPfx(selfSigned, [root]));

  assert.is(bundle.leaf.thumbprint, thumbprintOf(selfSigned));
  assert.ok(bundle.leaf.selfSigned);
  assert.equal(bundle.roots.map((certificate) => certificate.thumbprint), [thumbprintOf(root)]);
});

contents('self-signed CA leaf is the leaf', () => {
  const bundle = parsePfx(workspace.exportPfx(root, []));

  assert.is(bundle.leaf.thumbprint, thumbprintOf(root));
  assert.ok(bundle.leaf.isCa);
  assert.equal(bundle.roots, []);
});

contents('password case reads with its real password', () => {
  const protectedCase = corpusCase('pfx-rsa2048-password-required');
  const der = Buffer.from(corpusValue(protectedCase.id), 'base64');

  const read = readPkcs12(der, protectedCase.pfxPassword);

  assert.is(read.privateKeys.length, 1);
  assert.is(read.certificates.length, 2);
});

contents.after(() => workspace.remove());
contents.run();
