// Both emulators started together with sample certificates published: what the demo and
// the end-to-end tests run against.
import { startKeyVaultEmulator } from './keyvault-emulator.ts';
import type { KeyVaultEmulator } from './keyvault-emulator.ts';
import { startTokenEmulator } from './token-emulator.ts';
import type { TokenEmulator } from './token-emulator.ts';
import { pemWithEcKey, pkcs12WithIntermediate, pkcs12WithRoot } from './sample-certificates.ts';
import type { SampleSecret } from './sample-certificates.ts';

export type SampleKind = 'pkcs12-intermediate' | 'pem-ec' | 'pkcs12-root';

const makers: Record<SampleKind, (commonName: string) => Promise<SampleSecret>> = {
  'pkcs12-intermediate': pkcs12WithIntermediate,
  'pem-ec': pemWithEcKey,
  'pkcs12-root': pkcs12WithRoot,
};

export interface PublishedVersion {
  url: string;
  version: string;
  thumbprint: string;
}

export interface Lab {
  tokens: TokenEmulator;
  vault: KeyVaultEmulator;
  /** Publishes a new certificate version under `name`, made fresh (a new key). */
  publish(name: string, kind: SampleKind): Promise<PublishedVersion>;
  /** The secret URL of `name` on the emulated vault. */
  urlOf(name: string): string;
  close(): Promise<void>;
}

export async function startLab(): Promise<Lab> {
  const tokens = await startTokenEmulator();
  const vault = await startKeyVaultEmulator({ verifyToken: (token, resource) => tokens.verifyToken(token, resource) });
  const urlOf = (name: string) => `${vault.url}/secrets/${name}`;

  return {
    tokens,
    vault,
    urlOf,
    async publish(name, kind) {
      const sample = await makers[kind](`${name}.kvcert.test`);
      const { version } = vault.setSecret(name, { value: sample.value, contentType: sample.contentType });
      return { url: urlOf(name), version, thumbprint: sample.thumbprint };
    },
    async close() {
      await vault.close();
      await tokens.close();
    },
  };
}
