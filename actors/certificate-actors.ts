// Binds the certificate machine's actors to the adapters: Key Vault, the bundle parser and
// the certificate store.
import { fromPromise } from 'xstate';
import type { Bundle } from '../adapters/bundle/bundle.ts';
import type { SecretSource } from '../adapters/keyvault/secret-source.ts';
import type { CertificateStore, InstallContext, StoreTarget } from '../adapters/store.ts';
import type { FetchInput, StepInput } from '../machines/certificate-logic.ts';
import type { FetchedVersion } from '../machines/certificate-types.ts';
import type { ObservedCertificate } from './settings/settings.ts';
import { openPayload, SealedBundle } from './sealed-bundle.ts';

export type ParseSecret = (value: string, contentType: string | undefined, certificateUrl: string) => Bundle;

export interface CertificateBindings {
  source: SecretSource;
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

/** Reads the secret (secrets/get); parses it only when its version is not the installed one. */
export function fetchSecret(bindings: CertificateBindings) {
  return fromPromise<FetchedVersion, FetchInput>(async ({ input, signal }) => {
    const observed = bindings.lookup(input.url);
    const secret = await bindings.source.getSecret(observed.ref, signal);
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
  });
}

export function installBundle(bindings: CertificateBindings) {
  return fromPromise<void, StepInput>(async ({ input }) => {
    const observed = bindings.lookup(input.url);
    await bindings.store.install(targetOf(observed), openPayload(input.candidate.payload), contextOf(observed, input));
  });
}

export function grantKeyAccess(bindings: CertificateBindings) {
  return fromPromise<void, StepInput>(async ({ input }) => {
    const observed = bindings.lookup(input.url);
    if (observed.accounts.length === 0) return;
    await bindings.store.grantKeyAccess(targetOf(observed), input.candidate.thumbprint!, observed.accounts, contextOf(observed, input));
  });
}

/** Links the replaced certificate to the new one when linkOnRenewal is set and a previous one exists. */
export function linkRenewal(bindings: CertificateBindings) {
  return fromPromise<void, StepInput>(async ({ input }) => {
    const observed = bindings.lookup(input.url);
    const thumbprint = input.candidate.thumbprint!;
    if (!bindings.linkOnRenewal() || !input.previousThumbprint || input.previousThumbprint === thumbprint) return;
    await bindings.store.linkRenewal(targetOf(observed), input.previousThumbprint, thumbprint, contextOf(observed, input));
  });
}
