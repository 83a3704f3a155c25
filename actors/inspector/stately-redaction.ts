// Reduces xstate inspection events to allow-listed fields before @statelyai/inspect receives
// them, so that what reaches Stately does not depend on the library's sanitize options.
import type { ActorRefLike, InspectionEvent } from 'xstate';
import type { CertificateContext } from '../../machines/certificate-types.ts';
import type { ExtensionContext } from '../../machines/extension-logic.ts';
import { certificateFields } from './inspector-view.ts';

interface InspectedRef extends ActorRefLike {
  id?: string;
  _parent?: { sessionId: string };
  logic?: { config?: unknown };
}

interface InspectedSnapshot {
  status?: string;
  value?: unknown;
  context?: unknown;
}

/** The parts of an actor that Stately's inspector reads: ids, the machine definition and a reduced snapshot. */
export interface RedactedRef {
  id: string;
  sessionId: string;
  _parent?: { sessionId: string };
  logic: { config?: object };
  getSnapshot(): RedactedSnapshot;
}

export interface RedactedSnapshot {
  status?: string;
  value?: unknown;
  context: Record<string, unknown>;
}

/**
 * Returns a copy of `event` that contains only ids, state values, event types, machine
 * definitions and allow-listed context fields. Returns undefined for kinds Stately does not draw.
 */
export function redactInspectionEvent(event: InspectionEvent): InspectionEvent | undefined {
  const actorRef = redactRef(event.actorRef as InspectedRef);
  if (event.type === '@xstate.actor') return { type: event.type, rootId: event.rootId, actorRef } as unknown as InspectionEvent;
  if (event.type === '@xstate.snapshot') {
    const snapshot = redactSnapshot(event.snapshot as InspectedSnapshot);
    return { type: event.type, rootId: event.rootId, actorRef, snapshot, event: { type: event.event.type } } as unknown as InspectionEvent;
  }
  if (event.type === '@xstate.event') {
    const sourceRef = event.sourceRef ? redactRef(event.sourceRef as InspectedRef) : undefined;
    return { type: event.type, rootId: event.rootId, actorRef, sourceRef, event: { type: event.event.type } } as unknown as InspectionEvent;
  }
  return undefined;
}

function redactRef(ref: InspectedRef): RedactedRef {
  // A machine's config is its definition: state names, events, guard and action names. Other actor logic has none worth drawing.
  const config = ref.logic?.config;
  return {
    id: String(ref.id ?? ref.sessionId),
    sessionId: ref.sessionId,
    _parent: ref._parent ? { sessionId: ref._parent.sessionId } : undefined,
    logic: { config: typeof config === 'object' && config !== null ? config : undefined },
    getSnapshot: () => redactSnapshot(ref.getSnapshot() as InspectedSnapshot | undefined),
  };
}

/** Keeps the status, the state value of machines, and the allow-listed context fields of kvcert's two machines. */
export function redactSnapshot(snapshot: InspectedSnapshot | undefined): RedactedSnapshot {
  const value = typeof snapshot?.value === 'string' || isStateValueObject(snapshot?.value) ? snapshot?.value : undefined;
  return { status: snapshot?.status, value, context: redactContext(value, snapshot?.context) };
}

function redactContext(value: unknown, context: unknown): Record<string, unknown> {
  if (typeof context !== 'object' || context === null) return {};
  if ('url' in context && 'attempt' in context) return { ...certificateFields(String(value), context as CertificateContext) };
  if ('observed' in context && 'certificates' in context) return extensionFields(context as ExtensionContext);
  return {};
}

function extensionFields(context: ExtensionContext): Record<string, unknown> {
  const certificates = Object.values(context.certificates).map((summary) => ({
    url: summary.url,
    state: summary.state,
    attempt: summary.attempt,
    version: summary.installed?.version,
    thumbprint: summary.installed?.thumbprint,
    reason: summary.lastError?.reason,
  }));
  return { requireInitialSync: context.requireInitialSync === true, certificates };
}

/** Checks for a nested state value: an object whose leaves are state names. */
function isStateValueObject(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).every((child) => typeof child === 'string' || isStateValueObject(child));
}
