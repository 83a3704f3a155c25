// The MAC of a PFX in password integrity mode (RFC 7292 section 4): an HMAC over the
// AuthenticatedSafe bytes, keyed by the PKCS#12 key derivation (RFC 7292 appendix B)
// of the password. node-forge derives the key, Node computes the HMAC.
import { createHmac, timingSafeEqual } from 'node:crypto';
import forge from 'node-forge';
import { childrenOf, integerOf, oidOf, octetsOf, type Asn1 } from './asn1-reader.ts';
import { BundleProblem } from './bundle-problem.ts';

interface MacHash {
  nodeName: string;
  createForgeDigest: () => forge.md.MessageDigest;
}

const macHashes: Record<string, MacHash> = {
  '1.2.840.113549.2.5': { nodeName: 'md5', createForgeDigest: () => forge.md.md5.create() },
  '1.3.14.3.2.26': { nodeName: 'sha1', createForgeDigest: () => forge.md.sha1.create() },
  '2.16.840.1.101.3.4.2.1': { nodeName: 'sha256', createForgeDigest: () => forge.md.sha256.create() },
  '2.16.840.1.101.3.4.2.2': { nodeName: 'sha384', createForgeDigest: () => forge.md.sha384.create() },
  '2.16.840.1.101.3.4.2.3': { nodeName: 'sha512', createForgeDigest: () => forge.md.sha512.create() },
};

// RFC 9579 PBMAC1, written by OpenSSL 3.4 and later with -pbmac1_pbkdf2.
const pbmac1 = '1.2.840.113549.1.5.14';

/** The MacData of a PFX. Byte strings are forge binary strings. */
export interface MacData {
  hash: MacHash;
  digest: string;
  salt: string;
  iterations: number;
}

/** Reads MacData. Throws BundleProblem `unsupported-algorithm` for a hash it cannot compute. */
export function readMacData(node: Asn1): MacData {
  const [digestInfo, salt, iterations] = childrenOf(node, 'the PFX MacData', 2);
  const [algorithm, digest] = childrenOf(digestInfo, 'the PFX MAC DigestInfo', 2);
  const oid = oidOf(childrenOf(algorithm, 'the PFX MAC algorithm')[0], 'the PFX MAC algorithm');

  const hash = macHashes[oid];
  if (!hash) {
    const name = oid === pbmac1 ? 'PBMAC1' : `OID ${oid}`;
    throw new BundleProblem('unsupported-algorithm', `the PFX MAC uses ${name}, which kvcert cannot verify`);
  }
  return {
    hash,
    digest: octetsOf(digest),
    salt: octetsOf(salt),
    iterations: iterations ? integerOf(iterations, 'the PFX MAC iteration count') : 1,
  };
}

/**
 * Returns whether the MAC over `content` verifies with `password`. A null password is
 * the zero-length encoding of an empty password, '' the two-zero-byte one: PFX writers
 * use both.
 */
export function macMatches(content: string, mac: MacData, password: string | null): boolean {
  if (mac.iterations < 1) return false;

  const digest = mac.hash.createForgeDigest();
  const salt = forge.util.createBuffer(mac.salt);
  const key = forge.pkcs12.generateKey(password, salt, 3, mac.iterations, digest.digestLength, digest);

  const expected = Buffer.from(mac.digest, 'latin1');
  const actual = createHmac(mac.hash.nodeName, Buffer.from(key.getBytes(), 'latin1'))
    .update(Buffer.from(content, 'latin1'))
    .digest();
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
