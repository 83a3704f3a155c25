// Fake actors and helpers for machine tests: no I/O, results scripted per call.
import { createActor, fromPromise, SimulatedClock, waitFor } from 'xstate';
import { certificateMachine } from '../../machines/certificate-machine.ts';
import type { FetchInput, StepInput } from '../../machines/certificate-logic.ts';
import type { FetchedVersion, InstalledVersion } from '../../machines/certificate-types.ts';

export const url = 'https://myvault.vault.azure.net/secrets/web';

export function version(id: string, thumbprint = `T${id}`): FetchedVersion {
  return { version: id, unchanged: false, thumbprint, notAfter: '2030-01-01T00:00:00.000Z', warnings: [] };
}

/** Records calls and returns results from a script. Each entry is a result or an Error to throw. */
export function scripted<TInput, TOutput>(script: Array<TOutput | Error>, calls: TInput[]) {
  return fromPromise<TOutput, TInput>(async ({ input }) => {
    calls.push(input);
    const next = script.length > 1 ? script.shift()! : script[0];
    if (next instanceof Error) throw next;
    return next;
  });
}

export interface Fakes {
  fetch?: Array<FetchedVersion | Error>;
  install?: Array<void | Error>;
  acl?: Array<void | Error>;
  link?: Array<void | Error>;
}

export function startCertificate(fakes: Fakes, installed?: InstalledVersion) {
  const calls = { fetch: [] as FetchInput[], install: [] as StepInput[], acl: [] as StepInput[], link: [] as StepInput[] };
  const machine = certificateMachine.provide({
    actors: {
      fetchSecret: scripted<FetchInput, FetchedVersion>(fakes.fetch ?? [version('v1')], calls.fetch),
      installBundle: scripted<StepInput, void>(fakes.install ?? [undefined], calls.install),
      grantKeyAccess: scripted<StepInput, void>(fakes.acl ?? [undefined], calls.acl),
      linkRenewal: scripted<StepInput, void>(fakes.link ?? [undefined], calls.link),
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: { url, installed }, clock }).start();
  return { actor, clock, calls };
}

type CertificateState = 'idle' | 'fetching' | 'installing' | 'acl' | 'linked' | 'errorBackoff';

export function settled(actor: ReturnType<typeof startCertificate>['actor'], state: CertificateState) {
  return waitFor(actor, (snapshot) => snapshot.matches(state), { timeout: 2_000 });
}

/** Builds a Key Vault failure as the adapter throws it, reduced to the fields machines read. */
export function keyVaultError(reason: string, retryAfterMs?: number): Error {
  return Object.assign(new Error(`Key Vault failed: ${reason}`), { name: 'KeyVaultError', reason, retryAfterMs });
}
