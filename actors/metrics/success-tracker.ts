// Remembers when each certificate last finished a poll without error, for the
// last-success metric. The machines count polls but keep no times.
import type { CertificateSummary } from '../../machines/status-rollup.ts';

export class SuccessTracker {
  readonly #now: () => Date;
  readonly #polls = new Map<string, number>();
  readonly #lastSuccess = new Map<string, Date>();

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  /** Records a success for each certificate whose poll count grew while it has no error. */
  update(certificates: CertificateSummary[]): void {
    for (const certificate of certificates) {
      const before = this.#polls.get(certificate.url) ?? 0;
      if (certificate.polls > before && !certificate.lastError) this.#lastSuccess.set(certificate.url, this.#now());
      this.#polls.set(certificate.url, certificate.polls);
    }
  }

  lastSuccessAt(url: string): Date | undefined {
    return this.#lastSuccess.get(url);
  }
}
