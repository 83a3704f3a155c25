// A counting semaphore shared by the certificate actors, so that a poll of many
// certificates keeps at most `max` Key Vault downloads, parses and store operations
// in flight at once.

/** Runs tasks with at most `max` of them in flight; the others wait in arrival order. */
export class ConcurrencyLimit {
  readonly max: number;
  #active = 0;
  #peak = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`the concurrency limit must be a whole number of at least 1, not ${max}`);
    this.max = max;
  }

  /** Tasks running now. */
  get active(): number {
    return this.#active;
  }

  /** The largest number of tasks that ran at once, for tests and benchmarks. */
  get peak(): number {
    return this.#peak;
  }

  /** Tasks waiting for a free slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Runs `task` once a slot is free. An aborted `signal` drops a waiting task with its reason. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #acquire(signal: AbortSignal | undefined): Promise<void> {
    signal?.throwIfAborted();
    if (this.#active < this.max) {
      this.#start();
      return Promise.resolve();
    }

    return new Promise((resolve, reject) => {
      const admit = () => {
        signal?.removeEventListener('abort', drop);
        this.#start();
        resolve();
      };
      const drop = () => {
        const index = this.#waiting.indexOf(admit);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', drop, { once: true });
      this.#waiting.push(admit);
    });
  }

  #start(): void {
    this.#active += 1;
    this.#peak = Math.max(this.#peak, this.#active);
  }

  // The slot passes straight to the next waiting task, so a task arriving meanwhile cannot take it.
  #release(): void {
    this.#active -= 1;
    this.#waiting.shift()?.();
  }
}
