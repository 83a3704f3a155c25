// SHA-256 applied many times in a row to a 32-byte value, the inner loop of the PKCS#12
// key derivation (RFC 7292 appendix B) for SHA-256 MACs. As in repeated-sha1.ts, each
// round hashes one digest, which pads to a single block with constant padding words.

const sha256Size = 32;

// FIPS 180-4 section 4.2.2.
const roundConstants = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// FIPS 180-4 section 5.3.3.
const initialState = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Returns SHA-256 applied `count` times to `digest`, a 32-byte value. */
export function repeatSha256(digest: Buffer, count: number): Buffer {
  if (digest.length !== sha256Size) throw new RangeError(`repeatSha256 takes a ${sha256Size}-byte value, not ${digest.length} bytes`);
  const words = new Int32Array(64);
  const hashState = new Int32Array(8);
  for (let index = 0; index < 8; index += 1) hashState[index] = digest.readInt32BE(index * 4);

  for (let round = 0; round < count; round += 1) {
    words.set(hashState);
    words[8] = 0x80000000 | 0;
    words.fill(0, 9, 15);
    words[15] = sha256Size * 8;
    compress(words, hashState);
  }

  const output = Buffer.alloc(sha256Size);
  hashState.forEach((word, index) => output.writeInt32BE(word, index * 4));
  return output;
}

const rotate = (value: number, bits: number): number => (value >>> bits) | (value << (32 - bits));

// The SHA-256 compression function (FIPS 180-4 section 6.2.2) from the initial state;
// writes the new hash value into `output`.
function compress(words: Int32Array, output: Int32Array): void {
  for (let t = 16; t < 64; t += 1) {
    const w15 = words[t - 15];
    const w2 = words[t - 2];
    const sigma0 = rotate(w15, 7) ^ rotate(w15, 18) ^ (w15 >>> 3);
    const sigma1 = rotate(w2, 17) ^ rotate(w2, 19) ^ (w2 >>> 10);
    words[t] = (words[t - 16] + sigma0 + words[t - 7] + sigma1) | 0;
  }

  let a = initialState[0];
  let b = initialState[1];
  let c = initialState[2];
  let d = initialState[3];
  let e = initialState[4];
  let f = initialState[5];
  let g = initialState[6];
  let h = initialState[7];

  for (let t = 0; t < 64; t += 1) {
    const sum1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25);
    const choice = (e & f) ^ (~e & g);
    const temp1 = (h + sum1 + choice + roundConstants[t] + words[t]) | 0;
    const sum0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22);
    const majority = (a & b) ^ (a & c) ^ (b & c);
    const temp2 = (sum0 + majority) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + temp1) | 0;
    d = c;
    c = b;
    b = a;
    a = (temp1 + temp2) | 0;
  }

  output[0] = (a + initialState[0]) | 0;
  output[1] = (b + initialState[1]) | 0;
  output[2] = (c + initialState[2]) | 0;
  output[3] = (d + initialState[3]) | 0;
  output[4] = (e + initialState[4]) | 0;
  output[5] = (f + initialState[5]) | 0;
  output[6] = (g + initialState[6]) | 0;
  output[7] = (h + initialState[7]) | 0;
}
