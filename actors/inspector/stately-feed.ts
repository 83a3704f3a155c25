// Inspection events in the format of Stately's inspector, for the /stately bridge page.
// The agent itself never connects to Stately: the page, in the user's browser, loads
// stately.ai/inspect and passes the events to it.
import { createInspector } from '@statelyai/inspect';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { Subject } from 'rxjs';
import type { InspectionEvent } from 'xstate';
import { redactInspectionEvent } from './stately-redaction.ts';

/** Converts reduced xstate events with @statelyai/inspect and keeps what a new page needs first. */
export class StatelyFeed {
  readonly events$ = new Subject<StatelyInspectionEvent>();
  /** Actor registrations, then each actor's latest snapshot, by session id. */
  private readonly actors = new Map<string, StatelyInspectionEvent>();
  private readonly snapshots = new Map<string, StatelyInspectionEvent>();
  private readonly inspector = createInspector({ send: (event: StatelyInspectionEvent) => this.record(event) });
  private readonly onError: (error: Error) => void;

  constructor(onError: (error: Error) => void = () => {}) {
    this.onError = onError;
  }

  /** The observer to give the agent; only reduced events reach the library. */
  readonly observe = (event: InspectionEvent): void => {
    try {
      const redacted = redactInspectionEvent(event);
      if (redacted) this.inspector.inspect.next?.(redacted);
    } catch (error) {
      this.onError(error as Error);
    }
  };

  /** Returns what a page that connects now gets first: every live actor, then each one's latest snapshot. */
  initial(): StatelyInspectionEvent[] {
    return [...this.actors.values(), ...this.snapshots.values()];
  }

  close(): void {
    this.events$.complete();
  }

  private record(event: StatelyInspectionEvent): void {
    if (event.type === '@xstate.actor') this.actors.set(event.sessionId, event);
    if (event.type === '@xstate.snapshot') this.snapshots.set(event.sessionId, event);
    if (event.type !== '@xstate.event' && event.snapshot?.status !== 'active') {
      this.actors.delete(event.sessionId);
      this.snapshots.delete(event.sessionId);
    }
    this.events$.next(event);
  }
}
