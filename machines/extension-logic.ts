// Guards and actions of the extension machine, as named functions.
import { hasGivenUp, summarizeCertificate } from './status-rollup.ts';
import type { CertificateSummary } from './status-rollup.ts';
import type { CertificateContext, InstalledVersion } from './certificate-types.ts';

/** One observed certificate as the extension machine needs it. */
export interface ObservedEntry {
  url: string;
  installed?: InstalledVersion;
  /** Seed of the certificate's retry jitter, in [0, 1); unset means no jitter. */
  jitterSeed?: number;
}

export interface ExtensionContext {
  requireInitialSync: boolean;
  observed: ObservedEntry[];
  /** Summaries by URL, kept in step with the certificate actors' snapshots. */
  certificates: Record<string, CertificateSummary>;
}

export interface ExtensionInput {
  requireInitialSync: boolean;
  observed: ObservedEntry[];
}

export type ExtensionEvent =
  | { type: 'settings.changed'; requireInitialSync: boolean; observed: ObservedEntry[] }
  | { type: 'poll.due' }
  | { type: 'refresh.requested' };

interface ChildSnapshotEvent {
  type: string;
  snapshot?: { value: unknown; context?: CertificateContext };
}

export function initialSyncNotRequired({ context }: { context: ExtensionContext }): boolean {
  return !context.requireInitialSync;
}

export function allInstalled({ context }: { context: ExtensionContext }): boolean {
  return context.observed.every((entry) => context.certificates[entry.url]?.installed !== undefined);
}

export function anyGaveUp({ context }: { context: ExtensionContext }): boolean {
  return Object.values(context.certificates).some(hasGivenUp);
}

/** Copies a certificate actor's new snapshot into the summaries. */
export function recordCertificate({ context, event }: { context: ExtensionContext; event: { type: string } }): Partial<ExtensionContext> {
  const snapshot = (event as ChildSnapshotEvent).snapshot;
  const child = snapshot?.context;
  if (!child || !context.observed.some((entry) => entry.url === child.url)) return {};
  const summary = summarizeCertificate(String(snapshot.value), child);
  return { certificates: { ...context.certificates, [child.url]: summary } };
}

function emptySummary(entry: ObservedEntry): CertificateSummary {
  return { url: entry.url, state: 'idle', attempt: 0, installed: entry.installed, warnings: [], polls: 0 };
}

/** The part of xstate's `enqueue` object these actions use. */
export interface Enqueue {
  spawnChild(src: 'certificate', options: { id: string; input: ObservedEntry; syncSnapshot: boolean }): void;
  stopChild(id: string): void;
  sendTo(id: string, event: { type: 'poll.due' | 'refresh.requested' }): void;
  assign(values: Partial<ExtensionContext>): void;
}

interface EnqueueArgs { context: ExtensionContext; event: ExtensionEvent; enqueue: Enqueue }

/** Spawns one certificate actor per observed URL, with the URL as the actor id. */
export function spawnCertificates({ context, enqueue }: EnqueueArgs): void {
  for (const entry of context.observed) {
    enqueue.spawnChild('certificate', { id: entry.url, input: entry, syncSnapshot: true });
  }
  enqueue.assign({ certificates: Object.fromEntries(context.observed.map((entry) => [entry.url, emptySummary(entry)])) });
}

/** Starts actors for new URLs and stops those whose URLs left the settings; the rest keep running. */
export function reconcileCertificates({ context, event, enqueue }: EnqueueArgs): void {
  if (event.type !== 'settings.changed') return;
  const next = new Set(event.observed.map((entry) => entry.url));
  const current = new Set(context.observed.map((entry) => entry.url));
  const certificates = { ...context.certificates };

  for (const entry of context.observed.filter((item) => !next.has(item.url))) {
    enqueue.stopChild(entry.url);
    delete certificates[entry.url];
  }
  for (const entry of event.observed.filter((item) => !current.has(item.url))) {
    enqueue.spawnChild('certificate', { id: entry.url, input: entry, syncSnapshot: true });
    enqueue.sendTo(entry.url, { type: 'poll.due' });
    certificates[entry.url] = emptySummary(entry);
  }
  enqueue.assign({ observed: event.observed, requireInitialSync: event.requireInitialSync, certificates });
}

/** Forwards a poll or refresh to every certificate actor. */
export function forwardToCertificates({ context, event, enqueue }: EnqueueArgs): void {
  if (event.type === 'settings.changed') return;
  for (const entry of context.observed) enqueue.sendTo(entry.url, { type: event.type });
}
