// The PKCS#12 reader against openssl's own reading of the same files: the private key and
// every certificate must agree, whichever of kvcert's paths (Node crypto, node-forge for RC2)
// decrypted them.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { BundleError } from '../../../adapters/bundle/bundle.ts';
import type { Bundle } from '../../../adapters/bundle/bundle.ts';
import { parseSecretValue } from '../../../adapters/bundle/parse-secret.ts';
import { maxIterations } from '../../../adapters/bundle/pbe-parameters.ts';
import { corpusCases, corpusValue } from './corpus-files.ts';
import { OpensslWorkspace } from './openssl-fixtures.ts';

const agreement = suite('PKCS#12 reader against openssl');

const workspace = new OpensslWorkspace();
const url = 'https://contoso.vault.azure.net/secrets/pfx';

/** Reads a PFX with an empty password through openssl: returns the key as PKCS#8 PEM and the certificate thumbprints. */
function readWithOpenssl(pfx: Buffer): { keyPem: string; thumbprints: string[] } {
  workspace.write('read.pfx', pfx);
  const legacy = ['-provider', 'legacy', '-provider', 'default'];
  const output = workspace.run(['pkcs12', '-in', 'read.pfx', '-nodes', '-passin', 'pass:', ...legacy]).toString('utf8');
  const key = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/.exec(output)![0];
  const certificates = output.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  return {
    keyPem: createPrivateKey(key).export({ type: 'pkcs8', format: 'pem' }).toString(),
    thumbprints: certificates.map((pem) => new X509Certificate(pem).fingerprint.replace(/:/g, '')).sort(),
  };
}

function thumbprintsOf(bundle: Bundle): string[] {
  return [bundle.leaf, ...bundle.intermediates, ...bundle.roots, ...(bundle.ignored ?? [])].map((certificate) => certificate.thumbprint).sort();
}

function assertAgrees(pfx: Buffer, label: string): void {
  const bundle = parseSecretValue(pfx.toString('base64'), 'application/x-pkcs12', url);
  const expected = readWithOpenssl(pfx);

  assert.is(bundle.privateKeyPem, expected.keyPem, `${label}: private key`);
  assert.equal(thumbprintsOf(bundle), expected.thumbprints, `${label}: certificates`);
}

for (const testCase of corpusCases.filter((entry) => entry.expected === 'ok' && entry.detectedFormat === 'pkcs12')) {
  agreement(`corpus ${testCase.id} agrees`, () => {
    assertAgrees(Buffer.from(corpusValue(testCase.id), 'base64'), testCase.id);
  });
}

const root = workspace.issue('root', { subject: '/CN=Agreement Root', ca: true });
const leaf = workspace.issue('leaf', { subject: '/CN=agreement.test', keyAlgorithm: 'RSA 2048', issuer: root });

const exports: Array<[string, string[]]> = [
  ['3DES for key and certificates', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES']],
  ['legacy RC2 certificates', ['-legacy']],
  ['AES-128 with a SHA-1 MAC', ['-keypbe', 'aes-128-cbc', '-certpbe', 'aes-128-cbc', '-macalg', 'sha1']],
  ['SHA-512 MAC and 10,000 iterations', ['-macalg', 'sha512', '-iter', '10000']],
  ['unencrypted certificates', ['-certpbe', 'NONE']],
];

for (const [name, options] of exports) {
  agreement(`${name} agrees`, () => {
    assertAgrees(workspace.exportPfx(leaf, [root], options), name);
  });
}

agreement('MAC iteration count above the limit is rejected', () => {
  const pfx = forge.asn1.fromDer(workspace.exportPfx(leaf, [root]).toString('latin1'));
  const macData = (pfx.value as forge.asn1.Asn1[])[2];
  (macData.value as forge.asn1.Asn1[])[2].value = forge.asn1.integerToDer(maxIterations + 1).getBytes();
  const value = Buffer.from(forge.asn1.toDer(pfx).getBytes(), 'latin1').toString('base64');

  try {
    parseSecretValue(value, 'application/x-pkcs12', url);
    assert.unreachable('expected a BundleError');
  } catch (error) {
    assert.instance(error, BundleError);
    assert.is((error as BundleError).code, 'unsupported-algorithm');
    assert.match((error as BundleError).message, `the PFX MAC asks for ${maxIterations + 1} iterations, more than kvcert's limit of ${maxIterations}`);
  }
});

agreement('parsing calls no node-forge key derivation or cipher', () => {
  const pbe = (forge.pki as unknown as { pbe: { getCipher: unknown } }).pbe;
  const original = { getCipher: pbe.getCipher, generateKey: forge.pkcs12.generateKey };
  const refuse = () => { throw new Error('node-forge was called'); };
  pbe.getCipher = refuse;
  forge.pkcs12.generateKey = refuse;
  try {
    for (const options of [[], ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES'], ['-legacy']]) {
      const bundle = parseSecretValue(workspace.exportPfx(leaf, [root], options).toString('base64'), 'application/x-pkcs12', url);

      assert.is(bundle.keyType, 'RSA 2048', options.join(' '));
    }
  } finally {
    pbe.getCipher = original.getCipher;
    forge.pkcs12.generateKey = original.generateKey;
  }
});

agreement('leaf DER is kept byte for byte', () => {
  const bundle = parseSecretValue(workspace.exportPfx(leaf, []).toString('base64'), 'application/x-pkcs12', url);
  const der = workspace.run(['x509', '-in', 'leaf.crt', '-outform', 'DER']);

  assert.is(bundle.leaf.thumbprint, createHash('sha1').update(der).digest('hex').toUpperCase());
});

agreement.after(() => workspace.remove());
agreement.run();
