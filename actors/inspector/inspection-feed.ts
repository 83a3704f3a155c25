// Turns xstate inspection events into what the inspector page shows: the extension machine's
// state, each certificate actor's state with its recent changes, and the overall status.
import { Subject } from 'rxjs';
import type { ActorRefLike, InspectionEvent } from 'xstate';
import type { CertificateContext } from '../../machines/certificate-types.ts';
import type { StatusReport } from '../../machines/status-rollup.ts';
import { certificateFields, statusView } from './inspector-view.ts';
import type { CertificateView, EventEntry, InspectorView, StatusView } from './inspector-view.ts';

/** One change, as the page receives it over server-sent events. */
export type FeedMessage =
  | { type: 'certificate'; certificate: CertificateView }
  | { type: 'removed'; url: string }
  | { type: 'extension'; state: string }
  | { type: 'status'; status: StatusView };

export interface InspectionFeedOptions {
  now?: () => Date;
  /** State changes kept per certificate; the oldest go first. Unset means 50. */
  maxEvents?: number;
  /** Called when an inspection event cannot be read; the feed keeps going. */
  onError?: (error: Error) => void;
  /** Names a certificate machine event for the event list; unset keeps xstate's event type. */
  describeEvent?: (type: string) => string;
}

interface InspectedSnapshot {
  status?: string;
  value?: unknown;
  context?: unknown;
  children?: Record<string, unknown>;
}

function isCertificateContext(context: unknown): context is CertificateContext {
  return typeof context === 'object' && context !== null && 'url' in context && 'attempt' in context;
}

/** Keeps the inspector's view up to date from the agent's inspection events. */
export class InspectionFeed {
  /** Every change, in the order it happened. */
  readonly messages$ = new Subject<FeedMessage>();
  private readonly certificates = new Map<string, CertificateView>();
  private extensionState = '';
  private status: StatusView;
  private readonly now: () => Date;
  private readonly maxEvents: number;
  private readonly onError: (error: Error) => void;
  private readonly describeEvent: (type: string) => string;

  constructor(status: StatusReport, options: InspectionFeedOptions = {}) {
    this.status = statusView(status);
    this.now = options.now ?? (() => new Date());
    this.maxEvents = options.maxEvents ?? 50;
    this.onError = options.onError ?? (() => {});
    this.describeEvent = options.describeEvent ?? ((type) => type);
  }

  /** The observer to give the agent. It passes its own errors to `onError`, so a bad event does not reach the machines. */
  readonly observe = (event: InspectionEvent): void => {
    try {
      if (event.type === '@xstate.actor') {
        const snapshot = event.actorRef.getSnapshot() as InspectedSnapshot | undefined;
        if (snapshot) this.record(event.actorRef, event.rootId, snapshot, undefined);
      } else if (event.type === '@xstate.snapshot') {
        this.record(event.actorRef, event.rootId, event.snapshot as InspectedSnapshot, event.event.type);
      }
    } catch (error) {
      this.onError(error as Error);
    }
  };

  updateStatus(report: StatusReport): void {
    this.status = statusView(report);
    this.messages$.next({ type: 'status', status: this.status });
  }

  view(): InspectorView {
    return { extension: { state: this.extensionState }, status: this.status, certificates: [...this.certificates.values()] };
  }

  close(): void {
    this.messages$.complete();
  }

  private record(actorRef: ActorRefLike, rootId: string, snapshot: InspectedSnapshot, eventType: string | undefined): void {
    if (actorRef.sessionId === rootId) this.recordRoot(snapshot);
    else if (isCertificateContext(snapshot.context) && typeof snapshot.value === 'string') this.recordCertificate(snapshot.value, snapshot.context, snapshot.status, eventType);
  }

  private recordRoot(snapshot: InspectedSnapshot): void {
    const state = String(snapshot.value);
    if (state !== this.extensionState) {
      this.extensionState = state;
      this.messages$.next({ type: 'extension', state });
    }

    // Certificate actors are the root's children, with their URL as id; one that left the settings is gone from them.
    const children = new Set(Object.keys(snapshot.children ?? {}));
    for (const url of [...this.certificates.keys()].filter((key) => !children.has(key))) this.remove(url);
  }

  private recordCertificate(state: string, context: CertificateContext, status: string | undefined, eventType: string | undefined): void {
    const fields = certificateFields(state, context);
    if (status === 'stopped') {
      this.remove(fields.url);
      return;
    }

    const previous = this.certificates.get(fields.url);
    const changedState = eventType !== undefined && previous?.state !== state;
    const added = changedState ? [this.entryOf(eventType, previous?.state, fields)] : [];
    const events = [...(previous?.events ?? []), ...added].slice(-this.maxEvents);

    const next: CertificateView = { ...fields, events };
    if (!changedState && previous && sameFields(previous, next)) return;
    this.certificates.set(fields.url, next);
    this.messages$.next({ type: 'certificate', certificate: next });
  }

  private entryOf(event: string, from: string | undefined, fields: Omit<CertificateView, 'events'>): EventEntry {
    return { time: this.now().toISOString(), event: this.describeEvent(event), from, to: fields.state, version: fields.version, thumbprint: fields.thumbprint };
  }

  private remove(url: string): void {
    if (!this.certificates.delete(url)) return;
    this.messages$.next({ type: 'removed', url });
  }
}

function sameFields(a: CertificateView, b: CertificateView): boolean {
  return JSON.stringify({ ...a, events: undefined }) === JSON.stringify({ ...b, events: undefined });
}
