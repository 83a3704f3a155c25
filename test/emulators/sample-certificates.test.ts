import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import forge from 'node-forge';
import { createTestPki, pemWithEcKey, pkcs12WithIntermediate, pkcs12WithRoot } from '../../emulators/sample-certificates.ts';
import type { TestPki } from '../../emulators/sample-certificates.ts';

interface Context {
  pki: TestPki;
}

interface Pkcs12Contents {
  certificates: X509Certificate[];
  keyPem: string;
}

/** Opens a base64 PFX with an empty password using node-forge, independent of how it was built. */
function openPkcs12(base64: string): Pkcs12Contents {
  const asn1 = forge.asn1.fromDer(Buffer.from(base64, 'base64').toString('binary'));
  const p12 = forge.pkcs12.pkcs12FromAsn1(asn1, '');
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const keyBags = p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? [];
  return {
    certificates: certBags.map((bag) => new X509Certificate(forge.pki.certificateToPem(bag.cert!))),
    keyPem: forge.pki.privateKeyToPem(keyBags[0].key!),
  };
}

function thumbprint(certificate: X509Certificate): string {
  return createHash('sha1').update(certificate.raw).digest('hex').toUpperCase();
}

function samePublicKey(keyPem: string, certificate: X509Certificate): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  return fromKey.equals(certificate.publicKey.export({ type: 'spki', format: 'der' }));
}

const samples = suite<Context>('sample certificates');

samples.before(async (context) => {
  context.pki = await createTestPki();
});

samples('test PKI chains intermediate to root', (context) => {
  const root = new X509Certificate(context.pki.root.pem);
  const intermediate = new X509Certificate(context.pki.intermediate.pem);

  assert.ok(root.ca);
  assert.ok(intermediate.ca);
  assert.ok(root.verify(root.publicKey));
  assert.ok(intermediate.checkIssued(root));
  assert.ok(intermediate.verify(root.publicKey));
});

samples('PFX with intermediate', async (context) => {
  const secret = await pkcs12WithIntermediate('web.kvcert.test', context.pki);
  const { certificates, keyPem } = openPkcs12(secret.value);
  const [leaf, intermediate] = certificates;

  assert.is(secret.contentType, 'application/x-pkcs12');
  assert.is(certificates.length, 2);
  assert.match(leaf.subject, /CN=web.kvcert.test/);
  assert.is(leaf.subjectAltName, 'DNS:web.kvcert.test');
  assert.not.ok(leaf.ca);
  assert.ok(leaf.verify(new X509Certificate(context.pki.intermediate.pem).publicKey));
  assert.is(thumbprint(intermediate), thumbprint(new X509Certificate(context.pki.intermediate.pem)));
  assert.is(secret.thumbprint, thumbprint(leaf));
  assert.is(createPrivateKey(keyPem).asymmetricKeyDetails?.modulusLength, 2048);
  assert.ok(samePublicKey(keyPem, leaf));
});

samples('PFX with root', async (context) => {
  const secret = await pkcs12WithRoot('mail.kvcert.test', context.pki);
  const { certificates, keyPem } = openPkcs12(secret.value);
  const selfSigned = certificates.filter((certificate) => certificate.checkIssued(certificate));

  assert.is(certificates.length, 3);
  assert.is(selfSigned.length, 1);
  assert.is(thumbprint(selfSigned[0]), thumbprint(new X509Certificate(context.pki.root.pem)));
  assert.is(secret.thumbprint, thumbprint(certificates[0]));
  assert.ok(samePublicKey(keyPem, certificates[0]));
});

samples('PEM with EC key, leaf and intermediate', async (context) => {
  const secret = await pemWithEcKey('api.kvcert.test', context.pki);
  const blocks = [...secret.value.matchAll(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g)];
  const leaf = new X509Certificate(blocks[1][0]);
  const intermediate = new X509Certificate(blocks[2][0]);

  assert.is(secret.contentType, 'application/x-pem-file');
  assert.equal(blocks.map((block) => block[1]), ['PRIVATE KEY', 'CERTIFICATE', 'CERTIFICATE']);
  assert.is(createPrivateKey(blocks[0][0]).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(samePublicKey(blocks[0][0], leaf));
  assert.ok(leaf.checkIssued(intermediate));
  assert.ok(leaf.verify(intermediate.publicKey));
  assert.is(secret.thumbprint, thumbprint(leaf));
});

samples('each call makes a new key', async (context) => {
  const first = await pkcs12WithIntermediate('web.kvcert.test', context.pki);
  const renewal = await pkcs12WithIntermediate('web.kvcert.test', context.pki);
  const firstKey = openPkcs12(first.value).keyPem;
  const renewalKey = openPkcs12(renewal.value).keyPem;

  assert.is.not(renewal.thumbprint, first.thumbprint);
  assert.is.not(renewalKey, firstKey);
});

samples('without a PKI argument the issuer stays the same', async () => {
  const first = openPkcs12((await pkcs12WithIntermediate('a.kvcert.test')).value).certificates[1];
  const second = openPkcs12((await pkcs12WithRoot('b.kvcert.test')).value).certificates[1];

  assert.is(thumbprint(second), thumbprint(first));
});

samples('generation takes under two seconds', async (context) => {
  for (const make of [pkcs12WithIntermediate, pemWithEcKey, pkcs12WithRoot]) {
    const started = performance.now();
    await make('timing.kvcert.test', context.pki);
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs < 2_000, `${make.name} took ${Math.round(elapsedMs)} ms`);
  }
});

samples('OpenSSL reads the PFX with an empty password', async (context) => {
  const secret = await pkcs12WithRoot('openssl.kvcert.test', context.pki);

  const output = execFileSync('openssl', ['pkcs12', '-passin', 'pass:', '-nokeys'], {
    input: Buffer.from(secret.value, 'base64'),
  }).toString();

  assert.is(output.match(/BEGIN CERTIFICATE/g)?.length, 3);
  assert.match(output, /CN\s?=\s?openssl\.kvcert\.test/);
});

samples.run();
