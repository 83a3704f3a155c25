// The MAC of a PFX in password integrity mode (RFC 7292 section 4): an HMAC over the
// AuthenticatedSafe bytes, keyed by the PKCS#12 key derivation (RFC 7292 appendix B)
// of the password. pkcs12-kdf.ts derives the key, Node computes the HMAC.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { binaryToBytes, childrenOf, integerOf, oidOf, octetsOf, type Asn1 } from './asn1-reader.ts';
import { BundleProblem } from './bundle-problem.ts';
import { maxIterations } from './pbe-parameters.ts';
import { bmpPassword, derivePkcs12Key, kdfHashes, type KdfHash } from './pkcs12-kdf.ts';

const macHashes: Record<string, KdfHash> = {
  '1.2.840.113549.2.5': kdfHashes.md5,
  '1.3.14.3.2.26': kdfHashes.sha1,
  '2.16.840.1.101.3.4.2.1': kdfHashes.sha256,
  '2.16.840.1.101.3.4.2.2': kdfHashes.sha384,
  '2.16.840.1.101.3.4.2.3': kdfHashes.sha512,
};

// RFC 9579 PBMAC1, written by OpenSSL 3.4 and later with -pbmac1_pbkdf2.
const pbmac1 = '1.2.840.113549.1.5.14';

/** The MacData of a PFX. */
export interface MacData {
  hash: KdfHash;
  digest: Buffer;
  salt: Buffer;
  iterations: number;
}

/**
 * Reads MacData. Throws BundleProblem `unsupported-algorithm` for a hash it cannot compute
 * or an iteration count above maxIterations.
 */
export function readMacData(node: Asn1): MacData {
  const [digestInfo, salt, iterations] = childrenOf(node, 'the PFX MacData', 2);
  const [algorithm, digest] = childrenOf(digestInfo, 'the PFX MAC DigestInfo', 2);
  const oid = oidOf(childrenOf(algorithm, 'the PFX MAC algorithm')[0], 'the PFX MAC algorithm');

  const hash = macHashes[oid];
  if (!hash) {
    const name = oid === pbmac1 ? 'PBMAC1' : `OID ${oid}`;
    throw new BundleProblem('unsupported-algorithm', `the PFX MAC uses ${name}, which kvcert cannot verify`);
  }
  const count = iterations ? integerOf(iterations, 'the PFX MAC iteration count') : 1;
  if (count > maxIterations) {
    throw new BundleProblem('unsupported-algorithm', `the PFX MAC asks for ${count} iterations, more than kvcert's limit of ${maxIterations}`);
  }
  return { hash, digest: binaryToBytes(octetsOf(digest)), salt: binaryToBytes(octetsOf(salt)), iterations: count };
}

/**
 * Returns whether the MAC over `content` verifies with `password`. A null password is
 * the zero-length encoding of an empty password, '' the two-zero-byte one: PFX writers
 * use both.
 */
export function macMatches(content: Buffer, mac: MacData, password: string | null): boolean {
  if (mac.iterations < 1) return false;

  const key = derivePkcs12Key(bmpPassword(password), mac.salt, 3, mac.iterations, mac.hash.digestBytes, mac.hash);
  const actual = createHmac(mac.hash.nodeName, key).update(content).digest();
  return actual.length === mac.digest.length && timingSafeEqual(actual, mac.digest);
}
