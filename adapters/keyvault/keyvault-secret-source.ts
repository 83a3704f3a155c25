// The SecretSource and SecretLister backed by @azure/keyvault-secrets, with one SecretClient
// per vault.
import { createSecureContext, getCACertificates } from 'node:tls';
import { SecretClient } from '@azure/keyvault-secrets';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import type { TokenCredential } from '@azure/core-auth';
import { toFetchedSecret, toKeyVaultError, toSecretVersionInfo } from './keyvault-mapping.ts';
import type { SecretVersionInfo } from './keyvault-mapping.ts';
import { KeyVaultError } from './secret-source.ts';
import type { FetchedSecret, SecretSource } from './secret-source.ts';
import { listingRef, readSecretListing } from './secret-listing.ts';
import type { ListOptions, SecretLister, SecretListing } from './secret-listing.ts';
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
  /**
   * Time limit of one `getSecret` call, the SDK's retries and the token request included, in
   * milliseconds. Without it a vault or proxy that accepts the connection and never responds
   * would hold the certificate in `fetching` for good. Default 120 000; 0 means no limit.
   */
  requestTimeoutMs?: number;
}

const defaultRequestTimeoutMs = 120_000;

/** Reads certificate secrets from Key Vault. */
export class KeyVaultSecretSource implements SecretSource, SecretLister {
  readonly #options: KeyVaultSecretSourceOptions;
  readonly #clients = new Map<string, SecretClient>();

  readonly #tlsOptions: SecretClientOptions['tlsOptions'];

  constructor(options: KeyVaultSecretSourceOptions) {
    this.#options = options;
    this.#tlsOptions = options.trustedCaPem ? trustingAlso(options.trustedCaPem) : undefined;
  }

  /** Returns the pinned or latest version. Needs secrets/get. Throws KeyVaultError. */
  async getSecret(ref: SecretRef, signal?: AbortSignal): Promise<FetchedSecret> {
    const timeoutMs = this.#options.requestTimeoutMs ?? defaultRequestTimeoutMs;
    const timeout = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
    const signals = [signal, timeout].filter((item) => item !== undefined);
    const abortSignal = signals.length > 0 ? AbortSignal.any(signals) : undefined;

    let secret;
    let serverTime: Date | undefined;
    const onResponse = (response: ResponseWithHeaders) => { serverTime = dateHeaderOf(response); };
    try {
      secret = await this.#clientFor(ref).getSecret(ref.secretName, { version: ref.version, abortSignal, onResponse });
    } catch (error) {
      if (timeout?.aborted && !signal?.aborted) throw timedOut(ref, timeoutMs, error);
      throw toKeyVaultError(error, ref);
    }
    return { ...toFetchedSecret(secret, ref), serverTime };
  }

  /** Lists the secrets of the vault of `ref`, at most `options.maxPages` pages. Needs secrets/list. Throws KeyVaultError. */
  async listSecrets(ref: SecretRef, options: ListOptions): Promise<SecretListing> {
    try {
      return await readSecretListing(this.#clientFor(ref), options);
    } catch (error) {
      throw toKeyVaultError(error, listingRef(ref));
    }
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

    const { credential, maxRetries, retryDelayMs } = this.#options;
    const client = new SecretClient(ref.vaultUrl, credential, {
      tlsOptions: this.#tlsOptions,
      retryOptions: { maxRetries, retryDelayInMs: retryDelayMs },
      // The challenge names https://vault.azure.net, which a loopback host can never end with.
      disableChallengeResourceVerification: isLoopbackHost(ref.vaultHost),
    });
    this.#clients.set(ref.vaultUrl, client);
    return client;
  }
}

function timedOut(ref: SecretRef, timeoutMs: number, cause: unknown): KeyVaultError {
  return new KeyVaultError({
    certificateUrl: ref.url,
    reason: 'NetworkError',
    message: `Key Vault did not respond for ${ref.url} within ${Math.round(timeoutMs / 1000)} s. ` +
      'Check the proxy settings (HTTPS_PROXY, NO_PROXY) and the vault firewall; kvcert tries again with backoff.',
  }, { cause });
}

/** The part of the SDK's raw response that `onResponse` reads. */
interface ResponseWithHeaders {
  headers: { get(name: string): string | undefined };
}

function dateHeaderOf(response: ResponseWithHeaders): Date | undefined {
  const header = response.headers.get('date');
  const time = header ? Date.parse(header) : Number.NaN;
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * TLS options that trust `caPem` besides Node's default CAs (which a `ca` list would replace).
 * They carry one secure context built here: given `ca` instead, Node would join every CA into
 * the connection pool key of each request and build a context for each new connection.
 * The SDK spreads these options into its https.Agent, which passes secureContext on to
 * tls.connect; its TlsSettings type does not list that option.
 */
function trustingAlso(caPem: string): SecretClientOptions['tlsOptions'] {
  const secureContext = createSecureContext({ ca: [...getCACertificates('default'), caPem] });
  return { secureContext } as SecretClientOptions['tlsOptions'];
}
