// A TokenCredential for the managed-identity token endpoint of an Azure VM (IMDS), of an Azure Arc
// machine (HIMDS), or any endpoint that speaks the same protocol, such as the loopback emulator in tests.
import { setTimeout as delay } from 'node:timers/promises';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { arcApiVersion, arcKeyRule, checkRealmPath, defaultArcTokenFolder, isArcEndpoint, isLoopbackEndpoint, parseBasicRealm, readArcKey } from './arc-challenge.ts';
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
  /**
   * Azure Arc: true sends api-version 2020-06-01. Unset means true exactly when the endpoint is
   * `localhost` or `127.0.0.1` on port 40342, the address of the Connected Machine agent.
   */
  arc?: boolean;
  /**
   * Folder whose `.key` files may be sent for an Azure Arc challenge. Unset means the agent's folder:
   * `/var/opt/azcmagent/tokens/`, or `%ProgramData%\AzureConnectedMachineAgent\Tokens\` on Windows.
   */
  arcTokenFolder?: string;
}

type AttemptResult =
  | { token: AccessToken }
  | { failure: ManagedIdentityFailure; retryable: boolean; retryAfterMs?: number };

type SendResult = { response: Response } | { failure: ManagedIdentityFailure; retryable: boolean };

/**
 * Requests tokens with `GET <endpoint>?api-version=2018-02-01&resource=...` (api-version
 * 2020-06-01 for Azure Arc) and header `Metadata: true`. Reuses a token per resource until
 * 5 minutes before it expires. Retries 404, 410, 429, 5xx and network errors with backoff;
 * 400, 401 and 403 fail at once.
 * Azure Arc: after a 401 with `WWW-Authenticate: Basic realm=<key file>` from a loopback endpoint,
 * the request is repeated once per attempt with `Authorization: Basic <key>`, read from a `.key`
 * file of at most 4096 bytes inside the Arc token folder. The key is never cached, logged or put
 * into an error.
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
  readonly #arc: boolean | undefined;
  readonly #arcTokenFolder: string;
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
    this.#arc = options.arc;
    this.#arcTokenFolder = options.arcTokenFolder ?? defaultArcTokenFolder();
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
    const sent = await this.#send(url, {}, attempts, signal);
    if ('failure' in sent) return sent;

    const realm = sent.response.status === 401 ? parseBasicRealm(sent.response.headers.get('www-authenticate')) : undefined;
    if (realm === undefined) return this.#readResponse(sent.response, resource, attempts, undefined);

    await discardBody(sent.response);
    const answered = await this.#answerArcChallenge(url, realm, attempts, signal);
    if ('failure' in answered) return answered;
    return this.#readResponse(answered.response, resource, attempts, realm);
  }

  async #send(url: string, headers: Record<string, string>, attempts: number, signal: AbortSignal | undefined): Promise<SendResult> {
    const timeout = AbortSignal.timeout(this.#requestTimeoutMs);
    try {
      const response = await this.#fetch(url, {
        headers: { Metadata: 'true', ...headers },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      return { response };
    } catch (cause) {
      if (signal?.aborted) throw cause;
      return { failure: { kind: 'network', cause, attempts }, retryable: true };
    }
  }

  /** Repeats the request with the key from the challenge's file, after checking where the file is. */
  async #answerArcChallenge(url: string, realm: string, attempts: number, signal: AbortSignal | undefined): Promise<SendResult> {
    const folder = this.#arcTokenFolder;
    const problem = isLoopbackEndpoint(new URL(url))
      ? checkRealmPath(realm, folder)
      : 'the endpoint is not on this machine, and kvcert sends Azure Arc keys only to a loopback address';
    const read = problem === undefined ? await readArcKey(realm, folder) : { problem };
    if ('problem' in read) {
      const failure: ManagedIdentityFailure = { kind: 'arc-key', statusCode: 401, keyFile: realm, problem: read.problem, rule: arcKeyRule(folder) };
      return { failure, retryable: false };
    }
    return this.#send(url, { Authorization: `Basic ${read.key}` }, attempts, signal);
  }

  async #readResponse(response: Response, resource: string, attempts: number, arcKeyFile: string | undefined): Promise<AttemptResult> {
    if (response.status === 200) return this.#readToken(response, resource);

    const body = await readErrorBody(response);
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), this.#now())
      ?? (response.status === 410 ? goneMinDelayMs : undefined);
    const failure: ManagedIdentityFailure = { kind: 'status', statusCode: response.status, body, attempts, ...(arcKeyFile ? { arcKeyFile } : {}) };
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
    const arc = this.#arc ?? isArcEndpoint(url);
    // The Key Vault extension documents Arc endpoints as http://localhost:40342/metadata/identity,
    // without the token path.
    if (/^\/metadata\/identity\/?$/.test(url.pathname)) url.pathname = '/metadata/identity/oauth2/token';
    // MSAL for Node (5.x) sends Arc requests to 127.0.0.1 instead of localhost, which may resolve to ::1 first.
    if (isArcEndpoint(url) && url.hostname === 'localhost') url.hostname = '127.0.0.1';
    url.searchParams.set('api-version', arc ? arcApiVersion : imdsApiVersion);
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

/** Releases the connection of a response whose body is not needed. */
async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // A body that is already closed needs nothing more.
  }
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
