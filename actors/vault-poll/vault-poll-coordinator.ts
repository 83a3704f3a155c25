// Decides which certificates need a GET, with one listing of each vault per poll. When many
// observed certificates share a vault, one paged GET /secrets shows which secrets changed,
// and only those are fetched with a GET each. Without secrets/list, or when the listing
// fails, every certificate falls back to its own GET. The machines stay unaware of it,
// because it sits behind the fetchSecret actor.
import type { SecretLister, SecretListing } from '../../adapters/keyvault/secret-listing.ts';
import { KeyVaultError } from '../../adapters/keyvault/secret-source.ts';
import type { FetchedSecret, SecretSource } from '../../adapters/keyvault/secret-source.ts';
import type { SecretRef } from '../../adapters/keyvault/secret-url.ts';
import type { Logger } from '../logger.ts';
import { listingPageBudget, listingShowsUnchanged, recordOf } from './listing-decision.ts';
import type { SecretRecord } from './listing-decision.ts';

/** The decision for one certificate in one poll. */
export type PollCheck = { unchanged: true } | { unchanged: false };

export interface VaultPollOptions {
  source: SecretSource;
  /** Lists vault secrets; unset means every certificate is fetched with its own GET. */
  lister?: SecretLister;
  logger: Logger;
  /** Clock in Unix milliseconds. */
  now?: () => number;
  /** Milliseconds after its start during which checks use a listing. Later checks fetch. Default 60 000. */
  listingMaxAgeMs?: number;
  /** Time after which a listing that has not finished counts as failed. Default 120 000. */
  listingTimeoutMs?: number;
  /** Time before a vault that refused the listing (403) is listed again. Default 6 h. */
  forbiddenPauseMs?: number;
}

/** Counters for tests and benchmarks. */
export interface VaultPollStats {
  listings: number;
  listingPages: number;
  /** Checks that a listing decided, so that no GET was sent. */
  skippedGets: number;
}

type ListingOutcome =
  | { kind: 'listed'; listing: SecretListing }
  | { kind: 'unavailable' }
  | { kind: 'throttled'; error: KeyVaultError };

interface VaultState {
  /** The last GET of each secret's latest version, by lower-case secret name. */
  records: Map<string, SecretRecord>;
  listing?: { round: number; startedMs: number; outcome: Promise<ListingOutcome> };
  /** Pages the last listing read before it stopped at its budget; 0 when it reached the end. */
  pagesTooFew: number;
  pausedUntilMs: number;
}

const unavailable: ListingOutcome = { kind: 'unavailable' };

/** One per agent; shares each vault's listing between the certificates of one poll. */
export class VaultPollCoordinator {
  readonly stats: VaultPollStats = { listings: 0, listingPages: 0, skippedGets: 0 };
  readonly #options: VaultPollOptions;
  readonly #vaults = new Map<string, VaultState>();
  readonly #now: () => number;
  #round = 0;

  constructor(options: VaultPollOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Starts a new poll round: the next check of each vault lists it again. */
  beginPoll(): void {
    this.#round += 1;
  }

  /**
   * Decides whether `ref` needs a GET. A pinned version that is installed never does; a
   * latest-version reference does not when this round's listing shows it unchanged.
   * Throws KeyVaultError (Throttled) when the listing was throttled.
   */
  async check(ref: SecretRef, installedVersion: string | undefined, signal?: AbortSignal): Promise<PollCheck> {
    if (installedVersion === undefined) return { unchanged: false };
    if (ref.version !== undefined) return { unchanged: ref.version.toLowerCase() === installedVersion.toLowerCase() };
    if (!this.#options.lister) return { unchanged: false };

    const vault = this.#vaultOf(ref);
    const record = vault.records.get(ref.secretName.toLowerCase());
    if (!record || record.version.toLowerCase() !== installedVersion.toLowerCase()) return { unchanged: false };

    const outcome = await abortable(this.#listingFor(vault, ref), signal);
    if (outcome.kind === 'throttled') throw throttledFor(ref, outcome.error);
    if (outcome.kind === 'unavailable') return { unchanged: false };

    const unchanged = listingShowsUnchanged(record, outcome.listing.secrets.get(ref.secretName.toLowerCase()), installedVersion);
    if (unchanged) this.stats.skippedGets += 1;
    return { unchanged };
  }

  /** Fetches the secret (secrets/get) and, for a latest-version reference, records what the vault returned. */
  async getSecret(ref: SecretRef, signal?: AbortSignal): Promise<FetchedSecret> {
    const secret = await this.#options.source.getSecret(ref, signal);
    if (ref.version === undefined) this.#vaultOf(ref).records.set(ref.secretName.toLowerCase(), recordOf(secret));
    return secret;
  }

  #vaultOf(ref: SecretRef): VaultState {
    const key = ref.vaultUrl.toLowerCase();
    let vault = this.#vaults.get(key);
    if (!vault) {
      vault = { records: new Map(), pagesTooFew: 0, pausedUntilMs: 0 };
      this.#vaults.set(key, vault);
    }
    return vault;
  }

  #listingFor(vault: VaultState, ref: SecretRef): Promise<ListingOutcome> {
    const now = this.#now();
    const current = vault.listing;
    if (current?.round === this.#round) {
      const fresh = now - current.startedMs <= (this.#options.listingMaxAgeMs ?? 60_000);
      return fresh ? current.outcome : Promise.resolve(unavailable);
    }

    const maxPages = listingPageBudget(vault.records.size, vault.pagesTooFew);
    if (maxPages === 0 || now < vault.pausedUntilMs) return Promise.resolve(unavailable);
    const outcome = this.#list(vault, ref, maxPages);
    vault.listing = { round: this.#round, startedMs: now, outcome };
    return outcome;
  }

  async #list(vault: VaultState, ref: SecretRef, maxPages: number): Promise<ListingOutcome> {
    const timeoutMs = this.#options.listingTimeoutMs ?? 120_000;
    this.stats.listings += 1;
    try {
      // The SDK stops only its first page on the signal, so the wait is cut off here as well.
      const signal = AbortSignal.timeout(timeoutMs);
      const listing = await abortable(this.#options.lister!.listSecrets(ref, { maxPages, signal }), signal);
      this.stats.listingPages += listing.pages;
      vault.pagesTooFew = listing.complete ? 0 : listing.pages;
      if (!listing.complete) this.#options.logger.info('vault.listing_stopped', { vaultUrl: ref.vaultUrl, count: listing.pages });
      return { kind: 'listed', listing };
    } catch (error) {
      return this.#listingFailed(vault, ref, error);
    }
  }

  #listingFailed(vault: VaultState, ref: SecretRef, error: unknown): ListingOutcome {
    const { logger } = this.#options;
    const failure = error instanceof KeyVaultError ? error : undefined;
    if (failure?.statusCode === 429) return { kind: 'throttled', error: failure };

    const message = (error as Error)?.message ?? String(error);
    if (failure?.statusCode === 403) {
      const pauseMs = this.#options.forbiddenPauseMs ?? 6 * 3_600_000;
      vault.pausedUntilMs = this.#now() + pauseMs;
      logger.warn('vault.listing_forbidden', { vaultUrl: ref.vaultUrl, delayMs: pauseMs, message:
        `Listing the vault's secrets was denied, so each certificate is fetched with its own GET. ` +
        `Grant the VM identity 'list' on secrets (role Key Vault Secrets User) to poll with fewer requests. ${message}` });
    } else {
      logger.warn('vault.listing_failed', { vaultUrl: ref.vaultUrl, message: `${message} Each certificate is fetched with its own GET this poll.` });
    }
    return unavailable;
  }
}

/** Restates the listing's 429 for one certificate, so that the certificate's status names it. */
function throttledFor(ref: SecretRef, error: KeyVaultError): KeyVaultError {
  return new KeyVaultError({
    certificateUrl: ref.url,
    statusCode: error.statusCode,
    reason: 'Throttled',
    serverCode: error.serverCode,
    retryAfterMs: error.retryAfterMs,
    message: `Key Vault throttled the listing of ${ref.vaultUrl} that checks ${ref.url}; kvcert backs off and tries again.`,
  }, { cause: error });
}

/** Waits for `promise`, or rejects with the signal's reason once it aborts. The promise itself runs on. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
