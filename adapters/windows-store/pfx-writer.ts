// Builds the PKCS#12 (PFX) file that install-certificate.ps1 imports, for RSA and EC keys alike.
// node-forge's toPkcs12Asn1 accepts only RSA keys, so the structure is assembled here from its
// asn1 module and the key travels as opaque PKCS#8 bytes.
import { createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import type { Bundle } from '../bundle/bundle.ts';

const { asn1 } = forge;

const oids = {
  data: '1.2.840.113549.1.7.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  microsoftCspName: '1.3.6.1.4.1.311.17.1',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
};

/** The PFX password: Key Vault certificate secrets use the empty one, and so does this file. */
const password = '';
const iterations = 2000;

/** Key storage provider named in the key bag, so Windows PowerShell 5.1 imports into CNG as PowerShell 7 does. */
export const keyStorageProvider = 'Microsoft Software Key Storage Provider';

export interface PfxOptions {
  /**
   * MAC digest. `sha1` (the default) is the one Windows Server 2016 and older read.
   * The MAC only detects damage here, because the password is empty and known to everyone.
   */
  macAlgorithm?: 'sha1' | 'sha256';
}

/**
 * Builds a PFX with the leaf, its private key and the intermediates, never the roots.
 * The key bag is encrypted with 3DES under the empty password (the scheme every Windows release
 * reads), which protects nothing: treat the returned bytes as secret material.
 */
export function writePfx(bundle: Bundle, options: PfxOptions = {}): Buffer {
  const localKeyId = Buffer.from(bundle.leaf.thumbprint, 'hex').toString('binary');
  const certificates = [
    certificateBag(bundle.leaf.der, localKeyId),
    ...bundle.intermediates.map((intermediate) => certificateBag(intermediate.der)),
  ];
  const keys = [shroudedKeyBag(bundle.privateKeyPem, localKeyId)];

  const authenticatedSafe = sequence([dataContentInfo(certificates), dataContentInfo(keys)]);
  const authenticatedSafeDer = asn1.toDer(authenticatedSafe).getBytes();

  const pfx = sequence([
    integer(3),
    sequence([oid(oids.data), explicit0(octetString(authenticatedSafeDer))]),
    macData(authenticatedSafeDer, options.macAlgorithm ?? 'sha1'),
  ]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}

function shroudedKeyBag(privateKeyPem: string, localKeyId: string): forge.asn1.Asn1 {
  const pkcs8 = createPrivateKey(privateKeyPem).export({ format: 'der', type: 'pkcs8' });
  const privateKeyInfo = asn1.fromDer(forge.util.createBuffer(pkcs8.toString('binary')));
  const encrypted = forge.pki.encryptPrivateKeyInfo(privateKeyInfo, password, { algorithm: '3des', count: iterations });

  return sequence([
    oid(oids.pkcs8ShroudedKeyBag),
    explicit0(encrypted),
    set([
      attribute(oids.localKeyId, octetString(localKeyId)),
      attribute(oids.microsoftCspName, bmpString(keyStorageProvider)),
    ]),
  ]);
}

function certificateBag(der: Buffer, localKeyId?: string): forge.asn1.Asn1 {
  const value = sequence([oid(oids.x509Certificate), explicit0(octetString(der.toString('binary')))]);
  const bag = [oid(oids.certBag), explicit0(value)];
  if (localKeyId !== undefined) bag.push(set([attribute(oids.localKeyId, octetString(localKeyId))]));
  return sequence(bag);
}

/** Wraps SafeBags in an unencrypted `data` ContentInfo. */
function dataContentInfo(bags: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  const safeContents = asn1.toDer(sequence(bags)).getBytes();
  return sequence([oid(oids.data), explicit0(octetString(safeContents))]);
}

/** MacData per RFC 7292: HMAC keyed by the PKCS#12 KDF (ID 3) with the same digest. */
function macData(content: string, algorithm: 'sha1' | 'sha256'): forge.asn1.Asn1 {
  const salt = forge.random.getBytesSync(16);
  const digest = algorithm === 'sha1' ? forge.md.sha1.create() : forge.md.sha256.create();
  const key = forge.pkcs12.generateKey(password, forge.util.createBuffer(salt), 3, iterations, digest.digestLength, digest);

  const hmac = forge.hmac.create();
  hmac.start(algorithm, key.getBytes());
  hmac.update(content);
  const digestInfo = sequence([
    sequence([oid(oids[algorithm]), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]),
    octetString(hmac.digest().getBytes()),
  ]);
  return sequence([digestInfo, octetString(salt), integer(iterations)]);
}

function attribute(type: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return sequence([oid(type), set([value])]);
}

function sequence(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
}

function set(items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
}

function explicit0(item: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [item]);
}

function oid(value: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(value).getBytes());
}

function integer(value: number): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
}

function octetString(bytes: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
}

/** BMPString, the type Windows writes the CSP name in; forge's toDer encodes the text as UTF-16BE. */
function bmpString(text: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, text);
}
