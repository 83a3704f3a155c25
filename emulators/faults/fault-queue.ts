// A queue of faults for an emulator to apply, each to a number of requests in turn.

/** Faults waiting to be applied, oldest first, and how often each kind was applied. */
export class FaultQueue<TFault extends { kind: string }> {
  readonly #entries: Array<{ fault: TFault; remaining: number }> = [];
  /** Number of requests each kind of fault was applied to, by `kind`. */
  readonly applied: Record<string, number> = {};

  /** Applies `fault` to the next `count` requests. Without `count`, it applies until `clear()`. */
  inject(fault: TFault, count = Number.POSITIVE_INFINITY): void {
    if (count > 0) this.#entries.push({ fault, remaining: count });
  }

  /** Returns the fault for the current request, or undefined when none is queued. */
  take(): TFault | undefined {
    const head = this.#entries[0];
    if (!head) return undefined;

    head.remaining -= 1;
    if (head.remaining <= 0) this.#entries.shift();
    this.applied[head.fault.kind] = (this.applied[head.fault.kind] ?? 0) + 1;
    return head.fault;
  }

  /** Removes every queued fault. The counts in `applied` stay. */
  clear(): void {
    this.#entries.length = 0;
  }

  get pending(): number {
    return this.#entries.length;
  }
}
