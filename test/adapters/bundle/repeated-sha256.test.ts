import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hash, randomBytes } from 'node:crypto';
import { repeatSha256 } from '../../../adapters/bundle/repeated-sha256.ts';

const sha256 = suite('repeated SHA-256');

function repeatWithNode(value: Buffer, count: number): Buffer {
  let current = value;
  for (let round = 0; round < count; round += 1) current = hash('sha256', current, 'buffer') as Buffer;
  return current;
}

for (const count of [0, 1, 2, 3, 64, 2048]) {
  sha256(`${count} rounds match Node's SHA-256`, () => {
    for (let trial = 0; trial < 5; trial += 1) {
      const value = randomBytes(32);

      assert.equal(repeatSha256(value, count).toString('hex'), repeatWithNode(value, count).toString('hex'));
    }
  });
}

sha256('input of another size is rejected', () => {
  assert.throws(() => repeatSha256(Buffer.alloc(20), 1), /32-byte value, not 20 bytes/);
});

sha256.run();
