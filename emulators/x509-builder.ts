// Certificate building blocks for the emulators and tests: keys from Node's WebCrypto and
// certificates from @peculiar/x509. Nothing here is meant for production keys.
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createHash, randomBytes, webcrypto } from 'node:crypto';

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type CryptoKey = webcrypto.CryptoKey;

x509.cryptoProvider.set(webcrypto as unknown as ReturnType<typeof x509.cryptoProvider.get>);

export type KeyKind = 'rsa-2048' | 'ec-p256';

/** A certificate with its key pair; `keys.privateKey` is extractable so it can be exported. */
export interface IssuedCertificate {
  certificate: x509.X509Certificate;
  keys: CryptoKeyPair;
  /** PEM of the certificate, one block. */
  pem: string;
  der: Buffer;
}

export interface CertificateRequest {
  /** A distinguished name such as `CN=www.contoso.test, O=kvcert test`. */
  subject: string;
  keys: CryptoKeyPair;
  isCa: boolean;
  validDays: number;
  dnsNames?: string[];
  ipAddresses?: string[];
}

const rsaGenerate: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const ecGenerate: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** Generates a new extractable key pair. */
export async function generateKeys(kind: KeyKind): Promise<CryptoKeyPair> {
  const algorithm = kind === 'rsa-2048' ? rsaGenerate : ecGenerate;
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** Creates a self-signed CA certificate. */
export async function createSelfSignedCa(subject: string, keys: CryptoKeyPair, validDays: number): Promise<IssuedCertificate> {
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    ...validity(validDays),
    serialNumber: randomSerial(),
    name: subject,
    keys,
    signingAlgorithm: signingAlgorithmFor(keys.privateKey),
    extensions: await extensionsFor({ subject, keys, isCa: true, validDays }),
  });
  return toIssued(certificate, keys);
}

/** Creates a certificate for `request`, signed by `issuer`. */
export async function issueCertificate(issuer: IssuedCertificate, request: CertificateRequest): Promise<IssuedCertificate> {
  const extensions = await extensionsFor(request);
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));

  const certificate = await x509.X509CertificateGenerator.create({
    ...validity(request.validDays),
    serialNumber: randomSerial(),
    subject: request.subject,
    issuer: issuer.certificate.subject,
    publicKey: request.keys.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithmFor(issuer.keys.privateKey),
    extensions,
  });
  return toIssued(certificate, request.keys);
}

/** Exports a private key as unencrypted PKCS#8 PEM. The result is key material: never log it. */
export async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

/** SHA-1 of the DER bytes, upper-case hex without separators: the Windows thumbprint. */
export function thumbprintOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

async function extensionsFor(request: CertificateRequest): Promise<x509.Extension[]> {
  const isEc = request.keys.publicKey.algorithm.name === 'ECDSA';
  const leafUsage = x509.KeyUsageFlags.digitalSignature | (isEc ? 0 : x509.KeyUsageFlags.keyEncipherment);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(request.isCa, undefined, true),
    new x509.KeyUsagesExtension(request.isCa ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : leafUsage, true),
    await x509.SubjectKeyIdentifierExtension.create(request.keys.publicKey),
  ];
  if (!request.isCa) {
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]));
  }

  const names = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  return extensions;
}

function signingAlgorithmFor(key: CryptoKey): webcrypto.Algorithm | webcrypto.EcdsaParams {
  return key.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
}

/** Validity from one hour ago, so that a clock slightly behind still accepts a fresh certificate. */
function validity(validDays: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - 3600_000), notAfter: new Date(now + validDays * 86_400_000) };
}

/** Returns a random positive 16-byte serial number in hex. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  return bytes.toString('hex');
}

function toIssued(certificate: x509.X509Certificate, keys: CryptoKeyPair): IssuedCertificate {
  return { certificate, keys, pem: `${certificate.toString('pem')}\n`, der: Buffer.from(certificate.rawData) };
}
