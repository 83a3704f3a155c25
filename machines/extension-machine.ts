// The agent as a whole: one certificate actor per observed URL, and the overall status
// Transitioning / Error / Ready computed from their snapshots.
import { assign, enqueueActions, setup } from 'xstate';
import { certificateMachine } from './certificate-machine.ts';
import {
  allInstalled, anyGaveUp, forwardToCertificates, initialSyncNotRequired, reconcileCertificates,
  recordCertificate, spawnCertificates,
} from './extension-logic.ts';
import type { Enqueue, ExtensionContext, ExtensionEvent, ExtensionInput } from './extension-logic.ts';

export const extensionMachine = setup({
  types: {} as {
    context: ExtensionContext;
    input: ExtensionInput;
    events: ExtensionEvent;
  },
  actors: { certificate: certificateMachine },
  guards: { initialSyncNotRequired, allInstalled, anyGaveUp },
  actions: {
    spawnCertificates: enqueueActions(({ context, event, enqueue }) => spawnCertificates({ context, event, enqueue: enqueue as unknown as Enqueue })),
    reconcileCertificates: enqueueActions(({ context, event, enqueue }) => reconcileCertificates({ context, event, enqueue: enqueue as unknown as Enqueue })),
    forwardToCertificates: enqueueActions(({ context, event, enqueue }) => forwardToCertificates({ context, event, enqueue: enqueue as unknown as Enqueue })),
    recordCertificate: assign(recordCertificate),
  },
}).createMachine({
  id: 'extension',
  context: ({ input }) => ({ requireInitialSync: input.requireInitialSync, observed: input.observed, certificates: {} }),
  entry: 'spawnCertificates',
  initial: 'transitioning',
  on: {
    'poll.due': { actions: 'forwardToCertificates' },
    'refresh.requested': { actions: 'forwardToCertificates' },
    'settings.changed': { actions: 'reconcileCertificates', target: '.transitioning' },
    'xstate.snapshot.*': { actions: 'recordCertificate' },
  },
  states: {
    transitioning: {
      always: [
        { guard: 'initialSyncNotRequired', target: 'ready' },
        { guard: 'allInstalled', target: 'ready' },
        { guard: 'anyGaveUp', target: 'error' },
      ],
    },
    error: {
      always: { guard: 'allInstalled', target: 'ready' },
    },
    ready: {},
  },
});
