// Certificate secrets as Key Vault returns them, for tests and the demo. Every call makes a
// new leaf key, so calling again for the same name is what a renewal looks like.
import forge from 'node-forge';
import {
  createSelfSignedCa, generateKeys, issueCertificate, privateKeyPem, thumbprintOf,
} from './x509-builder.ts';
import type { IssuedCertificate, KeyKind } from './x509-builder.ts';

/** A secret value with the content type Key Vault reports. `value` contains a private key. */
export interface SampleSecret {
  value: string;
  contentType: 'application/x-pkcs12' | 'application/x-pem-file';
  /** SHA-1 of the leaf's DER bytes, upper-case hex: the thumbprint a store shows. */
  thumbprint: string;
}

/** A root CA and one intermediate CA it signed, both RSA 2048. */
export interface TestPki {
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
}

/** Creates a new test root and intermediate CA. */
export async function createTestPki(organization = 'kvcert test'): Promise<TestPki> {
  const root = await createSelfSignedCa(`CN=kvcert Test Root CA, O=${organization}`, await generateKeys('rsa-2048'), 3650);
  const intermediate = await issueCertificate(root, {
    subject: `CN=kvcert Test Intermediate CA, O=${organization}`,
    keys: await generateKeys('rsa-2048'),
    isCa: true,
    validDays: 1825,
  });
  return { root, intermediate };
}

let sharedPki: Promise<TestPki> | undefined;

/** Returns one PKI per process, so that renewals of a name have the same issuer, as with a real CA. */
function defaultPki(): Promise<TestPki> {
  sharedPki ??= createTestPki();
  return sharedPki;
}

/** Creates a base64 PFX (empty password) with a new RSA 2048 leaf and the intermediate CA. */
export async function pkcs12WithIntermediate(commonName: string, pki?: TestPki): Promise<SampleSecret> {
  const authority = pki ?? await defaultPki();
  const leaf = await issueLeaf(authority, commonName, 'rsa-2048');
  return pkcs12Secret(leaf, [authority.intermediate]);
}

/** Creates a base64 PFX (empty password) with a new RSA 2048 leaf, the intermediate CA and the root CA. */
export async function pkcs12WithRoot(commonName: string, pki?: TestPki): Promise<SampleSecret> {
  const authority = pki ?? await defaultPki();
  const leaf = await issueLeaf(authority, commonName, 'rsa-2048');
  return pkcs12Secret(leaf, [authority.intermediate, authority.root]);
}

/** Creates PEM text with a new EC P-256 private key (PKCS#8) first, then the leaf and the intermediate CA. */
export async function pemWithEcKey(commonName: string, pki?: TestPki): Promise<SampleSecret> {
  const authority = pki ?? await defaultPki();
  const leaf = await issueLeaf(authority, commonName, 'ec-p256');
  return {
    value: [await privateKeyPem(leaf.keys), leaf.pem, authority.intermediate.pem].join(''),
    contentType: 'application/x-pem-file',
    thumbprint: thumbprintOf(leaf.der),
  };
}

async function issueLeaf(pki: TestPki, commonName: string, kind: KeyKind): Promise<IssuedCertificate> {
  return issueCertificate(pki.intermediate, {
    subject: `CN=${commonName}, O=kvcert test`,
    keys: await generateKeys(kind),
    isCa: false,
    validDays: 365,
    dnsNames: [commonName],
  });
}

/**
 * Packs the leaf key and the certificates into a PKCS#12 with an empty password. node-forge
 * encrypts with PBE-SHA1-3DES and adds a SHA-1 MAC, which OpenSSL 3 and Windows both read.
 * node-forge handles only RSA keys, so the PFX samples are RSA.
 */
async function pkcs12Secret(leaf: IssuedCertificate, chain: IssuedCertificate[]): Promise<SampleSecret> {
  const key = forge.pki.privateKeyFromPem(await privateKeyPem(leaf.keys));
  const certificates = [leaf, ...chain].map((entry) => forge.pki.certificateFromPem(entry.pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certificates, '', { algorithm: '3des', generateLocalKeyId: true });
  const der = forge.asn1.toDer(asn1).getBytes();

  return {
    value: Buffer.from(der, 'binary').toString('base64'),
    contentType: 'application/x-pkcs12',
    thumbprint: thumbprintOf(leaf.der),
  };
}
