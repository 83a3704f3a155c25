// When each certificate is polled next, for `kvcert status`. The machines keep no clock
// readings, so the agent reports here when it schedules a poll and when a certificate enters
// errorBackoff, and the retry time is computed with the machine's own backoff function.

const busyStates = new Set(['fetching', 'installing', 'acl', 'linked']);

export class PollSchedule {
  readonly #now: () => number;
  #nextPollAtMs?: number;
  readonly #retries = new Map<string, { attempt: number; dueAtMs: number }>();

  /** `now` returns milliseconds since the epoch on the clock that runs the timers. */
  constructor(now: () => number) {
    this.#now = now;
  }

  /** Records that the next regular poll of every certificate runs in `delayMs`. */
  recordPollScheduled(delayMs: number): void {
    this.#nextPollAtMs = this.#now() + delayMs;
  }

  /** Records a certificate's state: entering errorBackoff with a new attempt number starts its retry delay. */
  recordCertificate(url: string, state: string, attempt: number, delayMs: number): void {
    if (state !== 'errorBackoff') {
      this.#retries.delete(url);
      return;
    }
    if (this.#retries.get(url)?.attempt === attempt) return;
    this.#retries.set(url, { attempt, dueAtMs: this.#now() + delayMs });
  }

  /**
   * Returns when `url` is fetched next: its retry time in errorBackoff, the next regular poll
   * when idle, and undefined while a poll runs or before the agent started.
   */
  nextPollAt(url: string, state: string): Date | undefined {
    if (busyStates.has(state)) return undefined;
    const retry = this.#retries.get(url);
    if (state === 'errorBackoff' && retry) return new Date(retry.dueAtMs);
    return this.#nextPollAtMs === undefined ? undefined : new Date(this.#nextPollAtMs);
  }
}
