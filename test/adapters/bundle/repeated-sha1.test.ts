import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hash, randomBytes } from 'node:crypto';
import { repeatSha1 } from '../../../adapters/bundle/repeated-sha1.ts';

const sha1 = suite('repeated SHA-1');

function repeatWithNode(value: Buffer, count: number): Buffer {
  let current = value;
  for (let round = 0; round < count; round += 1) current = hash('sha1', current, 'buffer') as Buffer;
  return current;
}

for (const count of [0, 1, 2, 3, 64, 2048]) {
  sha1(`${count} rounds match Node's SHA-1`, () => {
    for (let trial = 0; trial < 5; trial += 1) {
      const value = randomBytes(20);

      assert.equal(repeatSha1(value, count).toString('hex'), repeatWithNode(value, count).toString('hex'));
    }
  });
}

sha1('input of another size is rejected', () => {
  assert.throws(() => repeatSha1(Buffer.alloc(32), 1), /20-byte value, not 32 bytes/);
});

sha1.run();
