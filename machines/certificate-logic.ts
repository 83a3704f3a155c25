// Guards, actions and placeholders of the certificate machine, as named functions.
import { fromPromise } from 'xstate';
import { describeFailure } from './failure.ts';
import type { CertificateContext, FetchedVersion, InstalledVersion } from './certificate-types.ts';

/** Actor logic that throws until the composition root provides the real one. */
export function unprovided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(`${name} is not provided; supply it with certificateMachine.provide()`);
  });
}

export interface FetchInput { url: string; installedVersion?: string }
export interface StepInput { url: string; candidate: FetchedVersion; previousThumbprint?: string }

/** Any machine event; actor results arrive as `output` or `error` fields. */
interface MachineEvent { type: string }

function outputOf(event: MachineEvent): FetchedVersion | undefined {
  return (event as { output?: FetchedVersion }).output;
}

export function isUnchanged({ event }: { event: MachineEvent }): boolean {
  return outputOf(event)?.unchanged === true;
}

export function recordPoll({ context }: { context: CertificateContext }): Partial<CertificateContext> {
  return { attempt: 0, retryAfterMs: undefined, lastError: undefined, candidate: undefined, polls: context.polls + 1 };
}

export function recordCandidate({ event }: { event: MachineEvent }): Partial<CertificateContext> {
  return { candidate: outputOf(event) };
}

/** Moves the candidate to `installed` and remembers what it replaced. */
export function recordInstall({ context }: { context: CertificateContext }): Partial<CertificateContext> {
  const candidate = context.candidate;
  if (!candidate?.thumbprint) return {};
  const installed: InstalledVersion = { version: candidate.version, thumbprint: candidate.thumbprint, notAfter: candidate.notAfter };
  const replaced = context.installed?.thumbprint;
  const previousThumbprint = replaced && replaced !== candidate.thumbprint ? replaced : context.previousThumbprint;
  return { installed, previousThumbprint, warnings: candidate.warnings ?? [] };
}

/** Records why the step failed; `state` is the state the error came from. */
export function recordFailure(
  { context, event }: { context: CertificateContext; event: MachineEvent },
  params: { state: string },
): Partial<CertificateContext> {
  const failure = describeFailure((event as { error?: unknown }).error);
  return {
    attempt: context.attempt + 1,
    retryAfterMs: failure.retryAfterMs,
    lastError: { reason: failure.reason, message: failure.message, state: params.state },
    candidate: undefined,
    polls: context.polls + 1,
  };
}
