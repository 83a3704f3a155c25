// Writes PFX files in the layout Windows and .NET export by default: the private key in a
// shrouded key bag under pbeWithSHAAnd3-KeyTripleDES-CBC, the certificates unencrypted,
// and an HMAC-SHA1 MAC, both with 2,000 iterations and an empty password. node-forge's
// writer would spend tens of milliseconds per file in its JavaScript key derivation, and
// the benchmark writes thousands of files.
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { bmpPassword, derivePkcs12Key, kdfHashes } from '../adapters/bundle/pkcs12-kdf.ts';

const { asn1 } = forge;
const oids = {
  data: '1.2.840.113549.1.7.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  tripleDes: '1.2.840.113549.1.12.1.3',
  sha1: '1.3.14.3.2.26',
};
const iterations = 2000;
const emptyPassword = bmpPassword('');

/**
 * Salts and the keys derived from them. A benchmark writes many files with one set: the
 * writer then derives once, while a reader still derives for every file it opens, so
 * parsing costs the same as with fresh salts.
 */
export interface PfxProtection {
  keySalt: Buffer;
  cipherKey: Buffer;
  iv: Buffer;
  macSalt: Buffer;
  macKey: Buffer;
}

/** Derives keys from new random salts. */
export function createPfxProtection(): PfxProtection {
  const keySalt = randomBytes(8);
  const macSalt = randomBytes(20);
  return {
    keySalt,
    cipherKey: derivePkcs12Key(emptyPassword, keySalt, 1, iterations, 24, kdfHashes.sha1),
    iv: derivePkcs12Key(emptyPassword, keySalt, 2, iterations, 8, kdfHashes.sha1),
    macSalt,
    macKey: derivePkcs12Key(emptyPassword, macSalt, 3, iterations, 20, kdfHashes.sha1),
  };
}

/** Returns the DER bytes of a PFX holding `pkcs8` (unencrypted PKCS#8 DER) and `certificates` (DER, leaf first). */
export function writePfx(pkcs8: Buffer, certificates: Buffer[], protection: PfxProtection = createPfxProtection()): Buffer {
  const keyContents = sequence([safeBag(oids.shroudedKeyBag, encryptKey(pkcs8, protection))]);
  const certificateContents = sequence(certificates.map((der) => safeBag(oids.certBag, certBag(der))));
  const authenticatedSafe = der(sequence([dataContentInfo(keyContents), dataContentInfo(certificateContents)]));

  const pfx = sequence([
    integer(3),
    sequence([oid(oids.data), explicit(octets(authenticatedSafe))]),
    macData(authenticatedSafe, protection),
  ]);
  return der(pfx);
}

function encryptKey(pkcs8: Buffer, protection: PfxProtection): forge.asn1.Asn1 {
  const cipher = createCipheriv('des-ede3-cbc', protection.cipherKey, protection.iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const parameters = sequence([octets(protection.keySalt), integer(iterations)]);
  return sequence([sequence([oid(oids.tripleDes), parameters]), octets(encrypted)]);
}

function macData(content: Buffer, protection: PfxProtection): forge.asn1.Asn1 {
  const digest = createHmac('sha1', protection.macKey).update(content).digest();
  const algorithm = sequence([oid(oids.sha1), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]);
  return sequence([sequence([algorithm, octets(digest)]), octets(protection.macSalt), integer(iterations)]);
}

function certBag(certificate: Buffer): forge.asn1.Asn1 {
  return sequence([oid(oids.x509Certificate), explicit(octets(certificate))]);
}

function safeBag(type: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return sequence([oid(type), explicit(value)]);
}

function dataContentInfo(safeContents: forge.asn1.Asn1): forge.asn1.Asn1 {
  return sequence([oid(oids.data), explicit(octets(der(safeContents)))]);
}

const sequence = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const explicit = (item: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [item]);
const oid = (dotted: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());
const octets = (bytes: Buffer) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes.toString('latin1'));
const integer = (value: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(value).getBytes());
const der = (node: forge.asn1.Asn1) => Buffer.from(asn1.toDer(node).getBytes(), 'latin1');
