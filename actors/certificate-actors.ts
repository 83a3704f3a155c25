// Binds the certificate machine's actors to the adapters: Key Vault, the bundle parser and
// the certificate store. Downloads, parses and store operations share one concurrency limit.
// A failed fetch or install changes nothing installed.
import { fromPromise } from 'xstate';
import type { Bundle } from '../adapters/bundle/bundle.ts';
import type { CertificateStore, InstallContext, StoreTarget } from '../adapters/store.ts';
import type { FetchInput, StepInput } from '../machines/certificate-logic.ts';
import type { FetchedVersion } from '../machines/certificate-types.ts';
import type { ObservedCertificate } from './settings/settings.ts';
import type { ConcurrencyLimit } from './concurrency-limit.ts';
import { openPayload, SealedBundle } from './sealed-bundle.ts';
import type { VaultPollCoordinator } from './vault-poll/vault-poll-coordinator.ts';

export type ParseSecret = (value: string, contentType: string | undefined, certificateUrl: string) => Bundle;

export interface CertificateBindings {
  /** Decides per poll which certificates need a GET, and sends the GETs. */
  polls: VaultPollCoordinator;
  /** The limit in force now; settings reloads may replace it. */
  limit: () => ConcurrencyLimit;
  parseSecret: ParseSecret;
  store: CertificateStore;
  /** Returns the settings of an observed URL; they change when settings reload. */
  lookup: (url: string) => ObservedCertificate;
  linkOnRenewal: () => boolean;
}

function targetOf(observed: ObservedCertificate): StoreTarget {
  return { location: observed.storeLocation, name: observed.storeName };
}

function contextOf(observed: ObservedCertificate, input: StepInput): InstallContext {
  return { certificateUrl: observed.url, version: input.candidate.version, keyExportable: observed.keyExportable };
}

/**
 * Reads the secret (secrets/get) unless this poll's vault listing shows it unchanged or a
 * pinned version is installed. Parses it only when its version is not the installed one.
 */
export function fetchSecret(bindings: CertificateBindings) {
  return fromPromise<FetchedVersion, FetchInput>(async ({ input, signal }) => {
    const observed = bindings.lookup(input.url);
    const check = await bindings.polls.check(observed.ref, input.installedVersion, signal);
    if (check.unchanged) return { version: input.installedVersion!, unchanged: true };
    return bindings.limit().run(() => fetchAndParse(bindings, observed, input, signal), signal);
  });
}

async function fetchAndParse(bindings: CertificateBindings, observed: ObservedCertificate, input: FetchInput, signal: AbortSignal): Promise<FetchedVersion> {
  const secret = await bindings.polls.getSecret(observed.ref, signal);
  if (input.installedVersion !== undefined && secret.version.toLowerCase() === input.installedVersion.toLowerCase()) {
    return { version: secret.version, unchanged: true };
  }

  const bundle = bindings.parseSecret(secret.value, secret.contentType, observed.url);
  return {
    version: secret.version,
    unchanged: false,
    thumbprint: bundle.leaf.thumbprint,
    notAfter: bundle.leaf.notAfter.toISOString(),
    warnings: bundle.warnings,
    payload: new SealedBundle(bundle),
  };
}

export function installBundle(bindings: CertificateBindings) {
  return fromPromise<void, StepInput>(async ({ input, signal }) => {
    const observed = bindings.lookup(input.url);
    const bundle = openPayload(input.candidate.payload);
    await bindings.limit().run(() => bindings.store.install(targetOf(observed), bundle, contextOf(observed, input)), signal);
  });
}

export function grantKeyAccess(bindings: CertificateBindings) {
  return fromPromise<void, StepInput>(async ({ input, signal }) => {
    const observed = bindings.lookup(input.url);
    if (observed.accounts.length === 0) return;
    const grant = () => bindings.store.grantKeyAccess(targetOf(observed), input.candidate.thumbprint!, observed.accounts, contextOf(observed, input));
    await bindings.limit().run(grant, signal);
  });
}

/** Links the replaced certificate to the new one when linkOnRenewal is set and a previous one exists. */
export function linkRenewal(bindings: CertificateBindings) {
  return fromPromise<void, StepInput>(async ({ input, signal }) => {
    const observed = bindings.lookup(input.url);
    const thumbprint = input.candidate.thumbprint!;
    const previous = input.previousThumbprint;
    if (!bindings.linkOnRenewal() || !previous || previous === thumbprint) return;
    await bindings.limit().run(() => bindings.store.linkRenewal(targetOf(observed), previous, thumbprint, contextOf(observed, input)), signal);
  });
}
