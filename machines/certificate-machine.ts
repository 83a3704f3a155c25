// One observed certificate: idle → fetching → installing → acl → linked → idle.
// Any failure goes to errorBackoff, which retries after a growing delay.
import { assign, setup } from 'xstate';
import { retryDelayMs } from './backoff.ts';
import {
  isUnchanged, recordCandidate, recordFailure, recordInstall, recordPoll, unprovided,
} from './certificate-logic.ts';
import type { FetchInput, StepInput } from './certificate-logic.ts';
import type { CertificateContext, CertificateEvent, CertificateInput, FetchedVersion } from './certificate-types.ts';

export const certificateMachine = setup({
  types: {} as {
    context: CertificateContext;
    input: CertificateInput;
    events: CertificateEvent;
  },
  actors: {
    fetchSecret: unprovided<FetchedVersion, FetchInput>('fetchSecret'),
    installBundle: unprovided<void, StepInput>('installBundle'),
    grantKeyAccess: unprovided<void, StepInput>('grantKeyAccess'),
    linkRenewal: unprovided<void, StepInput>('linkRenewal'),
  },
  guards: { isUnchanged },
  actions: {
    recordPoll: assign(recordPoll),
    recordCandidate: assign(recordCandidate),
    recordInstall: assign(recordInstall),
    recordFailure: assign(recordFailure),
  },
  delays: {
    retryDelay: ({ context }) => retryDelayMs(context),
  },
}).createMachine({
  id: 'certificate',
  context: ({ input }) => ({ url: input.url, installed: input.installed, jitterSeed: input.jitterSeed, attempt: 0, warnings: [], polls: 0 }),
  initial: 'idle',
  states: {
    idle: {
      on: { 'poll.due': 'fetching', 'refresh.requested': 'fetching' },
    },
    fetching: {
      invoke: {
        src: 'fetchSecret',
        input: ({ context }) => ({ url: context.url, installedVersion: context.installed?.version }),
        onDone: [
          { guard: 'isUnchanged', target: 'idle', actions: 'recordPoll' },
          { target: 'installing', actions: 'recordCandidate' },
        ],
        onError: { target: 'errorBackoff', actions: { type: 'recordFailure', params: { state: 'fetching' } } },
      },
    },
    installing: {
      invoke: {
        src: 'installBundle',
        input: stepInput,
        onDone: { target: 'acl', actions: 'recordInstall' },
        onError: { target: 'errorBackoff', actions: { type: 'recordFailure', params: { state: 'installing' } } },
      },
    },
    acl: {
      invoke: {
        src: 'grantKeyAccess',
        input: stepInput,
        onDone: 'linked',
        onError: { target: 'errorBackoff', actions: { type: 'recordFailure', params: { state: 'acl' } } },
      },
    },
    linked: {
      invoke: {
        src: 'linkRenewal',
        input: stepInput,
        onDone: { target: 'idle', actions: 'recordPoll' },
        onError: { target: 'errorBackoff', actions: { type: 'recordFailure', params: { state: 'linked' } } },
      },
    },
    errorBackoff: {
      after: { retryDelay: 'fetching' },
      on: { 'refresh.requested': 'fetching' },
    },
  },
});

function stepInput({ context }: { context: CertificateContext }): StepInput {
  return { url: context.url, candidate: context.candidate!, previousThumbprint: context.previousThumbprint };
}
