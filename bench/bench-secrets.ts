// Certificate secrets for the benchmarks: a test CA and leaf certificates issued from it,
// each packed as a base64 PFX, the form of a Key Vault certificate secret. Leaves reuse a
// small pool of RSA 2048 keys, because generating a thousand keys would take minutes, and
// parsing costs the same either way.
import { webcrypto } from 'node:crypto';
import { createTestPki } from '../emulators/sample-certificates.ts';
import type { TestPki } from '../emulators/sample-certificates.ts';
import { generateKeys, issueCertificate, thumbprintOf } from '../emulators/x509-builder.ts';
import { createPfxProtection, writePfx } from './pfx-writer.ts';
import type { PfxProtection } from './pfx-writer.ts';

/** One secret to publish. Its `value` contains a private key. */
export interface BenchSecret {
  name: string;
  value: string;
  contentType: 'application/x-pkcs12';
  thumbprint: string;
}

/** Makes leaf certificates for many names from a shared CA and key pool. */
export class BenchSecretMaker {
  readonly #pki: TestPki;
  readonly #keys: Array<{ pair: webcrypto.CryptoKeyPair; pkcs8: Buffer }>;
  readonly #protection: PfxProtection = createPfxProtection();
  #issued = 0;

  private constructor(pki: TestPki, keys: Array<{ pair: webcrypto.CryptoKeyPair; pkcs8: Buffer }>) {
    this.#pki = pki;
    this.#keys = keys;
  }

  static async create(keyCount = 8): Promise<BenchSecretMaker> {
    const pki = await createTestPki('kvcert bench');
    const keys = [];
    for (let index = 0; index < keyCount; index += 1) {
      const pair = await generateKeys('rsa-2048');
      keys.push({ pair, pkcs8: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pair.privateKey)) });
    }
    return new BenchSecretMaker(pki, keys);
  }

  /** Issues a new leaf for `name`. Calling it again for a name makes a renewal. */
  async make(name: string): Promise<BenchSecret> {
    const key = this.#keys[this.#issued % this.#keys.length];
    this.#issued += 1;
    const leaf = await issueCertificate(this.#pki.intermediate, {
      subject: `CN=${name}.bench.kvcert.test, O=kvcert bench`,
      keys: key.pair,
      isCa: false,
      validDays: 365,
      dnsNames: [`${name}.bench.kvcert.test`],
    });
    const pfx = writePfx(key.pkcs8, [leaf.der, this.#pki.intermediate.der], this.#protection);
    return { name, value: pfx.toString('base64'), contentType: 'application/x-pkcs12', thumbprint: thumbprintOf(leaf.der) };
  }

  /** Makes `count` secrets named `<prefix>-0000`, `<prefix>-0001`, ... */
  async makeMany(prefix: string, count: number): Promise<BenchSecret[]> {
    const secrets: BenchSecret[] = [];
    for (let index = 0; index < count; index += 1) secrets.push(await this.make(`${prefix}-${String(index).padStart(4, '0')}`));
    return secrets;
  }
}
