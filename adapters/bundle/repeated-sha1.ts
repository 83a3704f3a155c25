// SHA-1 applied many times in a row to a 20-byte value, the inner loop of the PKCS#12
// key derivation (RFC 7292 appendix B). Each round hashes one digest, which pads to a
// single block, so the padding words are constants. Computing the rounds here avoids
// one call into Node's crypto per round, which costs more than the round itself.

const sha1Size = 20;

/** Returns SHA-1 applied `count` times to `digest`, a 20-byte value. */
export function repeatSha1(digest: Buffer, count: number): Buffer {
  if (digest.length !== sha1Size) throw new RangeError(`repeatSha1 takes a ${sha1Size}-byte value, not ${digest.length} bytes`);
  const words = new Int32Array(16);
  let h0 = digest.readInt32BE(0);
  let h1 = digest.readInt32BE(4);
  let h2 = digest.readInt32BE(8);
  let h3 = digest.readInt32BE(12);
  let h4 = digest.readInt32BE(16);

  for (let round = 0; round < count; round += 1) {
    words[0] = h0;
    words[1] = h1;
    words[2] = h2;
    words[3] = h3;
    words[4] = h4;
    words[5] = 0x80000000 | 0;
    words.fill(0, 6, 15);
    words[15] = sha1Size * 8;
    const state = compress(words);
    h0 = state[0];
    h1 = state[1];
    h2 = state[2];
    h3 = state[3];
    h4 = state[4];
  }

  const output = Buffer.alloc(sha1Size);
  [h0, h1, h2, h3, h4].forEach((word, index) => output.writeInt32BE(word, index * 4));
  return output;
}

const state = new Int32Array(5);

// The SHA-1 compression function (FIPS 180-4 section 6.1.2) from the initial state,
// with the message schedule kept in a 16-word ring.
function compress(words: Int32Array): Int32Array {
  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  let e = 0xc3d2e1f0 | 0;

  for (let t = 0; t < 80; t += 1) {
    let word: number;
    if (t < 16) {
      word = words[t];
    } else {
      const mixed = words[(t + 13) & 15] ^ words[(t + 8) & 15] ^ words[(t + 2) & 15] ^ words[t & 15];
      word = (mixed << 1) | (mixed >>> 31);
      words[t & 15] = word;
    }

    let f: number;
    if (t < 20) f = ((b & c) | (~b & d)) + 0x5a827999;
    else if (t < 40) f = (b ^ c ^ d) + 0x6ed9eba1;
    else if (t < 60) f = ((b & c) | (b & d) | (c & d)) + (0x8f1bbcdc | 0);
    else f = (b ^ c ^ d) + (0xca62c1d6 | 0);

    const next = (((a << 5) | (a >>> 27)) + f + e + word) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = next;
  }

  state[0] = (a + 0x67452301) | 0;
  state[1] = (b + (0xefcdab89 | 0)) | 0;
  state[2] = (c + (0x98badcfe | 0)) | 0;
  state[3] = (d + 0x10325476) | 0;
  state[4] = (e + (0xc3d2e1f0 | 0)) | 0;
  return state;
}
