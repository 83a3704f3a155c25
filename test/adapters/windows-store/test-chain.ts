// Generates a throwaway PKI at test time (root → intermediate → leaf) and the Bundle a parsed
// secret would give, so the store tests need no committed keys. The CAs are RSA; the leaf is RSA
// or EC P-256. Certificates are assembled with node-forge's asn1 module and signed by Node crypto.
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { Bundle, CertificateInfo } from '../../../adapters/bundle/bundle.ts';

const { asn1 } = forge;

interface Issued {
  der: Buffer;
  key: KeyObject;
  subject: string;
}

export interface TestChain {
  bundle: Bundle;
  root: CertificateInfo;
}

/** Creates a root, an intermediate and a leaf for `dnsName`; the bundle carries the root too. */
export function createTestChain(leafKeyType: 'rsa' | 'ec', dnsName: string): TestChain {
  const root = issue({ subject: 'kvcert Test Root', ca: true });
  const intermediate = issue({ subject: 'kvcert Test Intermediate', ca: true, issuer: root });
  const leaf = issue({ subject: dnsName, ca: false, issuer: intermediate, keyType: leafKeyType, dnsName });

  const rootInfo = certificateInfo(root.der);
  const bundle: Bundle = {
    format: 'pkcs12',
    leaf: certificateInfo(leaf.der),
    intermediates: [certificateInfo(intermediate.der)],
    roots: [rootInfo],
    privateKeyPem: leaf.key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    keyType: leafKeyType === 'rsa' ? 'RSA 2048' : 'EC P-256',
    warnings: [],
  };
  return { bundle, root: rootInfo };
}

interface IssueOptions {
  subject: string;
  ca: boolean;
  issuer?: Issued;
  keyType?: 'rsa' | 'ec';
  dnsName?: string;
}

function issue(options: IssueOptions): Issued {
  const { privateKey, publicKey } = options.keyType === 'ec'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const signer = options.issuer ?? { key: privateKey, subject: options.subject };
  const spki = publicKey.export({ format: 'der', type: 'spki' });

  const tbs = sequence([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [integerBytes('\x02')]),
    integerBytes('\x01' + randomBytes(8).toString('binary')),
    sha256WithRsa(),
    name(signer.subject),
    validity(),
    name(options.subject),
    asn1.fromDer(spki.toString('binary')),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [sequence(extensions(options))]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, signer.key);

  const certificate = sequence([tbs, sha256WithRsa(), bitString(signature)]);
  return { der: Buffer.from(asn1.toDer(certificate).getBytes(), 'binary'), key: privateKey, subject: options.subject };
}

function extensions(options: IssueOptions): forge.asn1.Asn1[] {
  const basicConstraints = sequence(options.ca ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff')] : []);
  const list = [extension('2.5.29.19', true, basicConstraints)];
  if (options.dnsName) {
    const dns = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, options.dnsName);
    list.push(extension('2.5.29.17', false, sequence([dns])));
  }
  return list;
}

function extension(id: string, critical: boolean, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return sequence([
    oid(id),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, critical ? '\xff' : '\x00'),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(value).getBytes()),
  ]);
}

function name(commonName: string): forge.asn1.Asn1 {
  const cn = sequence([oid('2.5.4.3'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, commonName)]);
  return sequence([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [cn])]);
}

function validity(): forge.asn1.Asn1 {
  const notBefore = new Date(Date.now() - 3_600_000);
  const notAfter = new Date(Date.now() + 30 * 86_400_000);
  return sequence([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(notBefore)),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(notAfter)),
  ]);
}

function sha256WithRsa(): forge.asn1.Asn1 {
  return sequence([oid('1.2.840.113549.1.1.11'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]);
}

function certificateInfo(der: Buffer): CertificateInfo {
  const parsed = new X509Certificate(der);
  return {
    der,
    pem: parsed.toString(),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    subject: parsed.subject.split('\n').reverse().join(','),
    issuer: parsed.issuer.split('\n').reverse().join(','),
    sanDns: (parsed.subjectAltName ?? '').split(', ').filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4)),
    sanIp: [],
    notBefore: new Date(parsed.validFrom),
    notAfter: new Date(parsed.validTo),
    isCa: parsed.ca,
    selfSigned: parsed.subject === parsed.issuer,
  };
}

function sequence(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function oid(value: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
}

/** INTEGER from big-endian bytes whose first byte keeps the value positive. */
function integerBytes(bytes: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, bytes);
}

function bitString(bytes: Buffer): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + bytes.toString('binary'));
}
