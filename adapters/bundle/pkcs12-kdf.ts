// The PKCS#12 key derivation (RFC 7292 appendix B.2), which PFX files use for their MAC
// key and for the legacy PBE schemes. Node's crypto has no call for it, so it is built
// here from Node's hash for the first round and repeated-sha1.ts or repeated-sha256.ts
// for the remaining rounds.
import { hash } from 'node:crypto';
import { repeatSha1 } from './repeated-sha1.ts';
import { repeatSha256 } from './repeated-sha256.ts';

/** A hash the derivation can use: its name in Node, output size `u` and block size `v` in bytes. */
export interface KdfHash {
  nodeName: string;
  digestBytes: number;
  blockBytes: number;
}

export const kdfHashes = {
  md5: { nodeName: 'md5', digestBytes: 16, blockBytes: 64 },
  sha1: { nodeName: 'sha1', digestBytes: 20, blockBytes: 64 },
  sha256: { nodeName: 'sha256', digestBytes: 32, blockBytes: 64 },
  sha384: { nodeName: 'sha384', digestBytes: 48, blockBytes: 128 },
  sha512: { nodeName: 'sha512', digestBytes: 64, blockBytes: 128 },
} satisfies Record<string, KdfHash>;

/** Purpose byte of the derivation: 1 for a cipher key, 2 for an IV, 3 for a MAC key. */
export type KdfPurpose = 1 | 2 | 3;

/**
 * Encodes a password as PKCS#12 wants it: UTF-16BE code units and a two-byte zero
 * terminator. null stands for the zero-length encoding that some writers use for an
 * empty password, '' for the two-zero-byte one.
 */
export function bmpPassword(password: string | null): Buffer {
  if (password === null) return Buffer.alloc(0);
  const encoded = Buffer.alloc(password.length * 2 + 2);
  for (let index = 0; index < password.length; index += 1) encoded.writeUInt16BE(password.charCodeAt(index), index * 2);
  return encoded;
}

/** Derives `length` bytes from a BMP-encoded password. `iterations` must be at least 1. */
export function derivePkcs12Key(
  password: Buffer, salt: Buffer, purpose: KdfPurpose, iterations: number, length: number, digest: KdfHash,
): Buffer {
  if (!(iterations >= 1)) throw new RangeError('the PKCS#12 key derivation needs at least one iteration');
  const v = digest.blockBytes;
  const diversifier = Buffer.alloc(v, purpose);
  const input = Buffer.concat([repeatToBlocks(salt, v), repeatToBlocks(password, v)]);
  const blockCount = Math.ceil(length / digest.digestBytes);
  const output: Buffer[] = [];

  for (let block = 1; block <= blockCount; block += 1) {
    const derived = hashRepeatedly(digest, Buffer.concat([diversifier, input]), iterations);
    output.push(derived);
    if (block < blockCount) addToEachBlock(input, repeatToBlocks(derived, v));
  }
  return Buffer.concat(output).subarray(0, length);
}

/** Concatenates copies of `value` up to the next multiple of `v` bytes. An empty value gives an empty result. */
function repeatToBlocks(value: Buffer, v: number): Buffer {
  const length = v * Math.ceil(value.length / v);
  const output = Buffer.alloc(length);
  for (let index = 0; index < length; index += 1) output[index] = value[index % value.length];
  return output;
}

/** Step 6c: sets each v-byte block I_j of `input` to (I_j + B + 1) mod 2^(8v). */
function addToEachBlock(input: Buffer, addend: Buffer): void {
  for (let start = 0; start < input.length; start += addend.length) {
    let carry = 1;
    for (let index = addend.length - 1; index >= 0; index -= 1) {
      const sum = input[start + index] + addend[index] + carry;
      input[start + index] = sum & 0xff;
      carry = sum >>> 8;
    }
  }
}

function hashRepeatedly(digest: KdfHash, input: Buffer, count: number): Buffer {
  const first = hash(digest.nodeName, input, 'buffer') as Buffer;
  if (digest.nodeName === 'sha1') return repeatSha1(first, count - 1);
  if (digest.nodeName === 'sha256') return repeatSha256(first, count - 1);

  let current = first;
  for (let round = 1; round < count; round += 1) current = hash(digest.nodeName, current, 'buffer') as Buffer;
  return current;
}
