import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { bmpPassword, derivePkcs12Key, kdfHashes } from '../../../adapters/bundle/pkcs12-kdf.ts';
import type { KdfPurpose } from '../../../adapters/bundle/pkcs12-kdf.ts';

const kdf = suite('PKCS#12 key derivation');

// node-forge's implementation, which kvcert used before, is the reference.
const forgeDigests: Record<keyof typeof kdfHashes, () => forge.md.MessageDigest> = {
  md5: () => forge.md.md5.create(),
  sha1: () => forge.md.sha1.create(),
  sha256: () => forge.md.sha256.create(),
  sha384: () => forge.md.sha384.create(),
  sha512: () => forge.md.sha512.create(),
};

function forgeKey(password: string | null, salt: Buffer, purpose: KdfPurpose, iterations: number, length: number, name: keyof typeof kdfHashes): string {
  const saltBuffer = forge.util.createBuffer(salt.toString('latin1'));
  return Buffer.from(forge.pkcs12.generateKey(password, saltBuffer, purpose, iterations, length, forgeDigests[name]()).getBytes(), 'latin1').toString('hex');
}

for (const name of Object.keys(kdfHashes) as Array<keyof typeof kdfHashes>) {
  kdf(`${name} matches node-forge`, () => {
    for (const password of ['', null, 'pässwörd', 'x']) {
      for (const [saltLength, length, purpose, iterations] of [[8, 24, 1, 3], [20, 8, 2, 1], [0, 5, 1, 2], [70, 100, 3, 2], [8, 20, 3, 2048]] as const) {
        const salt = randomBytes(saltLength);

        const ours = derivePkcs12Key(bmpPassword(password), salt, purpose, iterations, length, kdfHashes[name]).toString('hex');

        assert.is(ours, forgeKey(password, salt, purpose, iterations, length, name), `${name}, password ${JSON.stringify(password)}, salt ${saltLength}, length ${length}`);
      }
    }
  });
}

kdf('BMP password has a two-byte terminator', () => {
  assert.is(bmpPassword('').toString('hex'), '0000');
  assert.is(bmpPassword('Ab').toString('hex'), '004100620000');
  assert.is(bmpPassword(null).length, 0);
});

kdf('zero iterations is rejected', () => {
  assert.throws(() => derivePkcs12Key(bmpPassword(''), Buffer.alloc(8), 3, 0, 20, kdfHashes.sha1), /at least one iteration/);
});

kdf.run();
