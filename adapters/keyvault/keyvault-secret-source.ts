// The SecretSource backed by @azure/keyvault-secrets, with one SecretClient per vault.
import { getCACertificates } from 'node:tls';
import { SecretClient } from '@azure/keyvault-secrets';
import type { TokenCredential } from '@azure/core-auth';
import { toFetchedSecret, toKeyVaultError, toSecretVersionInfo } from './keyvault-mapping.ts';
import type { SecretVersionInfo } from './keyvault-mapping.ts';
import type { FetchedSecret, SecretSource } from './secret-source.ts';
import { isLoopbackHost } from './secret-url.ts';
import type { SecretRef } from './secret-url.ts';

export interface KeyVaultSecretSourceOptions {
  credential: TokenCredential;
  /**
   * A CA certificate (PEM) to trust in addition to the CAs Node trusts by default, e.g. the
   * emulator's CA. Unset means Node's default CAs only.
   */
  trustedCaPem?: string;
  /** Retries of the SDK pipeline for 408, 5xx, network errors and 429/503 with Retry-After. Default 3. */
  maxRetries?: number;
  /** First delay of the SDK's exponential retries in milliseconds. Default 1000. */
  retryDelayMs?: number;
}

/** Reads certificate secrets from Key Vault. */
export class KeyVaultSecretSource implements SecretSource {
  readonly #options: KeyVaultSecretSourceOptions;
  readonly #clients = new Map<string, SecretClient>();

  constructor(options: KeyVaultSecretSourceOptions) {
    this.#options = options;
  }

  /** Returns the pinned or latest version. Needs secrets/get. Throws KeyVaultError. */
  async getSecret(ref: SecretRef, signal?: AbortSignal): Promise<FetchedSecret> {
    let secret;
    try {
      secret = await this.#clientFor(ref).getSecret(ref.secretName, { version: ref.version, abortSignal: signal });
    } catch (error) {
      throw toKeyVaultError(error, ref);
    }
    return toFetchedSecret(secret, ref);
  }

  /** Returns the properties of every version, in the order Key Vault lists them. Needs secrets/list. Throws KeyVaultError. */
  async listVersions(ref: SecretRef, signal?: AbortSignal): Promise<SecretVersionInfo[]> {
    const versions: SecretVersionInfo[] = [];
    try {
      for await (const properties of this.#clientFor(ref).listPropertiesOfSecretVersions(ref.secretName, { abortSignal: signal })) {
        versions.push(toSecretVersionInfo(properties));
      }
    } catch (error) {
      throw toKeyVaultError(error, ref);
    }
    return versions;
  }

  #clientFor(ref: SecretRef): SecretClient {
    const cached = this.#clients.get(ref.vaultUrl);
    if (cached) return cached;

    const { credential, trustedCaPem, maxRetries, retryDelayMs } = this.#options;
    const client = new SecretClient(ref.vaultUrl, credential, {
      // `ca` replaces Node's default CA list, so that list is passed too and public vaults still verify.
      tlsOptions: trustedCaPem ? { ca: [...getCACertificates('default'), trustedCaPem] } : undefined,
      retryOptions: { maxRetries, retryDelayInMs: retryDelayMs },
      // The challenge names https://vault.azure.net, which a loopback host can never end with.
      disableChallengeResourceVerification: isLoopbackHost(ref.vaultHost),
    });
    this.#clients.set(ref.vaultUrl, client);
    return client;
  }
}
