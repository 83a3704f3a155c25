// A TokenCredential for the managed-identity token endpoint of an Azure VM (IMDS), or any
// endpoint that speaks the same protocol, such as the loopback emulator in tests.
import { setTimeout as delay } from 'node:timers/promises';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { backoffMs, parseRetryAfterMs } from './backoff.ts';
import { ManagedIdentityError } from './managed-identity-error.ts';
import type { ManagedIdentityFailure } from './managed-identity-error.ts';
import { parseTokenResponse, readErrorBody, refreshMarginMs } from './token-response.ts';

/**
 * The IMDS token endpoint of Azure VMs. Production only: it is a link-local address, and
 * tests, demos and the emulator always pass a loopback endpoint instead.
 */
export const defaultImdsEndpoint = 'http://169.254.169.254/metadata/identity/oauth2/token';

const imdsApiVersion = '2018-02-01';
/** IMDS returns 410 while it updates and is back within 70 s, so a retry after 410 waits at least this long. */
const goneMinDelayMs = 10_000;

/** One scheduled retry, for the caller's log. Contains no token. */
export interface TokenRetryEvent {
  resource: string;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  /** Undefined after a network error or timeout. */
  statusCode: number | undefined;
}

export interface ManagedIdentityCredentialOptions {
  /** The full token URL, e.g. `http://127.0.0.1:PORT/metadata/identity/oauth2/token`. */
  endpoint: string;
  /** Client id of a user-assigned identity (`msiClientId`); unset means the system-assigned one. */
  clientId?: string;
  fetch?: typeof fetch;
  /** Clock in Unix milliseconds. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Retries after the first request; 0 disables retrying. Default 5. */
  maxRetries?: number;
  /** Time limit of one request in milliseconds. Default 10 000. */
  requestTimeoutMs?: number;
  /** Source of jitter in [0, 1). */
  random?: () => number;
  onRetry?: (event: TokenRetryEvent) => void;
}

type AttemptResult =
  | { token: AccessToken }
  | { failure: ManagedIdentityFailure; retryable: boolean; retryAfterMs?: number };

/**
 * Requests tokens with `GET <endpoint>?api-version=2018-02-01&resource=...` and header
 * `Metadata: true`. Reuses a token per resource until 5 minutes before it expires.
 * Retries 404, 410, 429, 5xx and network errors with backoff; 400, 401 and 403 fail at once.
 * NOTE: Azure Arc endpoints (localhost:40342) are not supported, because their api-version and
 * their 401 `Basic realm=<key file>` challenge are not implemented.
 */
export class ManagedIdentityTokenCredential implements TokenCredential {
  readonly endpoint: string;
  readonly clientId: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #maxRetries: number;
  readonly #requestTimeoutMs: number;
  readonly #random: () => number;
  readonly #onRetry: ((event: TokenRetryEvent) => void) | undefined;
  readonly #cache = new Map<string, AccessToken>();
  readonly #pending = new Map<string, Promise<AccessToken>>();

  constructor(options: ManagedIdentityCredentialOptions) {
    this.endpoint = options.endpoint;
    this.clientId = options.clientId || undefined;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.#maxRetries = options.maxRetries ?? 5;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#random = options.random ?? Math.random;
    this.#onRetry = options.onRetry;
  }

  /** Returns a cached or new token for the one resource in `scopes` (`/.default` is removed). */
  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const resource = resourceFromScopes(scopes);
    const cached = this.#cache.get(resource);
    if (cached && this.#now() < cached.expiresOnTimestamp - refreshMarginMs) return cached;

    // Concurrent callers share one request, so a burst of SDK calls sends one token request.
    // The first caller's abort signal therefore cancels it for all of them.
    let pending = this.#pending.get(resource);
    if (!pending) {
      pending = this.#requestToken(resource, toAbortSignal(options.abortSignal))
        .finally(() => this.#pending.delete(resource));
      this.#pending.set(resource, pending);
    }
    return pending;
  }

  async #requestToken(resource: string, signal: AbortSignal | undefined): Promise<AccessToken> {
    const url = this.#tokenUrl(resource);
    for (let attempt = 0; ; attempt += 1) {
      const result = await this.#attempt(url, resource, attempt + 1, signal);
      if ('token' in result) {
        this.#cache.set(resource, result.token);
        return result.token;
      }

      if (!result.retryable || attempt >= this.#maxRetries) {
        throw new ManagedIdentityError({ endpoint: this.endpoint, resource, clientId: this.clientId, failure: result.failure },
          { cause: result.failure.kind === 'network' ? result.failure.cause : undefined });
      }

      const delayMs = backoffMs(attempt, result.retryAfterMs, this.#random);
      const statusCode = result.failure.kind === 'network' ? undefined : result.failure.statusCode;
      this.#onRetry?.({ resource, attempt: attempt + 1, delayMs, statusCode });
      await this.#sleep(delayMs, signal);
    }
  }

  async #attempt(url: string, resource: string, attempts: number, signal: AbortSignal | undefined): Promise<AttemptResult> {
    const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
    let response: Response;
    try {
      response = await this.#fetch(url, {
        headers: { Metadata: 'true' },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      return { failure: { kind: 'network', cause, attempts }, retryable: true };
    }

    if (response.status === 200) return this.#readToken(response, resource);

    const body = await readErrorBody(response);
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), this.#now())
      ?? (response.status === 410 ? goneMinDelayMs : undefined);
    const failure: ManagedIdentityFailure = { kind: 'status', statusCode: response.status, body, attempts };
    return { failure, retryable: isRetryableStatus(response.status), retryAfterMs };
  }

  async #readToken(response: Response, resource: string): Promise<AttemptResult> {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }

    const token = parseTokenResponse(body, this.#now());
    if (typeof token === 'string') {
      return { failure: { kind: 'invalid-response', statusCode: response.status, detail: token }, retryable: false };
    }
    return { token };
  }

  #tokenUrl(resource: string): string {
    const url = new URL(this.endpoint);
    url.searchParams.set('api-version', imdsApiVersion);
    url.searchParams.set('resource', resource);
    if (this.clientId) url.searchParams.set('client_id', this.clientId);
    return url.toString();
  }
}

/** True for statuses that IMDS documents as transient: 404 and 410 while updating, 429, 5xx. */
export function isRetryableStatus(statusCode: number): boolean {
  return statusCode === 404 || statusCode === 410 || statusCode === 429 || statusCode >= 500;
}

/** Returns the token resource of a single scope: `https://vault.azure.net/.default` → `https://vault.azure.net`. */
export function resourceFromScopes(scopes: string | string[]): string {
  const list = typeof scopes === 'string' ? [scopes] : scopes;
  if (list.length !== 1) {
    throw new TypeError(`A managed identity token covers one scope, but ${list.length} were requested.`);
  }
  return list[0].replace(/\/\.default$/, '');
}

/** Turns the SDK's AbortSignalLike into a DOM AbortSignal that fetch and timers accept. */
function toAbortSignal(like: GetTokenOptions['abortSignal']): AbortSignal | undefined {
  if (!like) return undefined;
  if (like instanceof AbortSignal) return like;

  const controller = new AbortController();
  if (like.aborted) controller.abort();
  else like.addEventListener('abort', () => controller.abort(), { once: true });
  return controller.signal;
}
