// Reads the parameters of the password-based encryption schemes a PFX uses: PBES2 with
// PBKDF2 (RFC 8018) and the PKCS#12 PBE schemes (RFC 7292 appendix C). Returns
// undefined for a shape or algorithm it does not know, so that the caller can hand the
// part to node-forge, which reports what is unsupported.
import forge from 'node-forge';
import { BundleProblem } from './bundle-problem.ts';
import { binaryToBytes, type Asn1 } from './asn1-reader.ts';

/** Parameters of PBES2 with PBKDF2 and a CBC cipher that Node's OpenSSL offers by default. */
export interface Pbes2Parameters {
  scheme: 'pbes2';
  salt: Buffer;
  iterations: number;
  /** The hash of the PBKDF2 PRF as Node names it. Parameters without a PRF mean HMAC-SHA1. */
  prfHash: string;
  /** The cipher as a Node cipher name, e.g. `aes-256-cbc`. */
  cipher: string;
  keyBytes: number;
  iv: Buffer;
}

/** Parameters of the PKCS#12 PBE schemes with SHA-1: 3DES, or RC2 with a 40-bit key. */
export interface Pkcs12PbeParameters {
  scheme: 'pkcs12-3des' | 'pkcs12-rc2-40';
  salt: Buffer;
  iterations: number;
}

export type PbeParameters = Pbes2Parameters | Pkcs12PbeParameters;

/**
 * Iteration counts above this are rejected before any key is derived, so that a damaged
 * or hostile count cannot keep the agent busy for minutes. OpenSSL writes 2,048 iterations,
 * Windows 2,000 and Java's keytool 10,000.
 */
export const maxIterations = 10_000_000;

const oids = {
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pkcs12TripleDes: '1.2.840.113549.1.12.1.3',
  pkcs12Rc2Bits40: '1.2.840.113549.1.12.1.6',
};

const prfHashes: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};

const ciphers: Record<string, { name: string; keyBytes: number; ivBytes: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyBytes: 16, ivBytes: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyBytes: 24, ivBytes: 16 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyBytes: 32, ivBytes: 16 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyBytes: 24, ivBytes: 8 },
};

/** Reads the parameters for `oid`. Throws BundleProblem `unsupported-algorithm` for an iteration count above maxIterations. */
export function readPbeParameters(oid: string, params: Asn1): PbeParameters | undefined {
  if (oid === oids.pbes2) return readPbes2(params);
  if (oid === oids.pkcs12TripleDes || oid === oids.pkcs12Rc2Bits40) {
    const [salt, iterations] = children(params, 2) ?? [];
    const read = { salt: octets(salt), iterations: integer(iterations) };
    if (!read.salt || read.iterations === undefined) return undefined;
    return { scheme: oid === oids.pkcs12TripleDes ? 'pkcs12-3des' : 'pkcs12-rc2-40', salt: read.salt, iterations: checked(read.iterations) };
  }
  return undefined;
}

function readPbes2(params: Asn1): Pbes2Parameters | undefined {
  const [kdf, encryption] = children(params, 2) ?? [];
  const [kdfOid, kdfParams] = children(kdf, 2) ?? [];
  const [encryptionOid, ivNode] = children(encryption, 2) ?? [];
  if (oidOf(kdfOid) !== oids.pbkdf2) return undefined;

  const [saltNode, iterationNode, ...optional] = children(kdfParams, 2) ?? [];
  const prfNode = optional.find((node) => node.type === forge.asn1.Type.SEQUENCE);
  const prfHash = prfNode ? prfHashes[oidOf(children(prfNode, 1)?.[0]) ?? ''] : 'sha1';
  const cipher = ciphers[oidOf(encryptionOid) ?? ''];
  const salt = octets(saltNode);
  const iterations = integer(iterationNode);
  const iv = octets(ivNode);
  if (!prfHash || !cipher || !salt || iterations === undefined || iv?.length !== cipher.ivBytes) return undefined;

  // Like node-forge, this takes the key length from the cipher and ignores the optional keyLength field.
  return { scheme: 'pbes2', salt, iterations: checked(iterations), prfHash, cipher: cipher.name, keyBytes: cipher.keyBytes, iv };
}

function checked(iterations: number): number {
  if (iterations > maxIterations) {
    throw new BundleProblem('unsupported-algorithm',
      `a part of the PFX asks for ${iterations} key derivation iterations, more than kvcert's limit of ${maxIterations}`);
  }
  return iterations;
}

function children(node: Asn1 | undefined, minimum: number): Asn1[] | undefined {
  return node && Array.isArray(node.value) && node.value.length >= minimum ? node.value : undefined;
}

function oidOf(node: Asn1 | undefined): string | undefined {
  if (node?.type !== forge.asn1.Type.OID || typeof node.value !== 'string') return undefined;
  return forge.asn1.derToOid(node.value);
}

function octets(node: Asn1 | undefined): Buffer | undefined {
  if (node?.type !== forge.asn1.Type.OCTETSTRING || typeof node.value !== 'string') return undefined;
  return binaryToBytes(node.value);
}

/** Returns a positive INTEGER of at most 32 bits, or undefined for anything else. */
function integer(node: Asn1 | undefined): number | undefined {
  if (node?.type !== forge.asn1.Type.INTEGER || typeof node.value !== 'string' || node.value.length > 4) return undefined;
  const value = forge.asn1.derToInteger(node.value);
  return value >= 1 ? value : undefined;
}
