// Fakes for agent tests that count requests, not parse certificates: a parser that turns any
// secret value into a bundle named by the value's hash, and a store that only records installs.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bundle } from '../../adapters/bundle/bundle.ts';
import type { CertificateStore, InstallResult } from '../../adapters/store.ts';
import type { Agent } from '../../actors/agent.ts';

/** Parses nothing: the thumbprint is the SHA-1 of the value, so each version gets its own. */
export function fakeParse(value: string): Bundle {
  const thumbprint = createHash('sha1').update(value).digest('hex').toUpperCase();
  return { leaf: { thumbprint, notAfter: new Date('2030-01-01T00:00:00Z') }, warnings: [] } as unknown as Bundle;
}

/** Records installs. `delayMs` keeps each install in flight for a while. */
export class RecordingStore implements CertificateStore {
  readonly kind = 'folder';
  readonly installed: string[] = [];
  running = 0;
  peak = 0;
  readonly #delayMs: number;
  /** Called at the start of every install, with the number of installs running. */
  onStart: (running: number) => void = () => {};

  constructor(delayMs = 0) {
    this.#delayMs = delayMs;
  }

  async install(_target: unknown, bundle: Bundle): Promise<InstallResult> {
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    this.onStart(this.running);
    await sleep(this.#delayMs);
    this.running -= 1;
    this.installed.push(bundle.leaf.thumbprint);
    return { thumbprint: bundle.leaf.thumbprint, changed: true, paths: [] };
  }

  async grantKeyAccess(): Promise<void> {}
  async linkRenewal(): Promise<void> {}
  async list(): Promise<[]> {
    return [];
  }
  async remove(): Promise<void> {}
}

const restingStates = new Set(['idle', 'errorBackoff']);

/** Sends every certificate a poll request and waits until each finished that poll, with or without success. */
export async function pollOnce(agent: Agent, timeoutMs = 30_000): Promise<void> {
  const before = new Map(agent.certificates().map((summary) => [summary.url, summary.polls]));
  agent.pollNow();
  const deadline = Date.now() + timeoutMs;
  while (!agent.certificates().every((summary) => summary.polls > before.get(summary.url)! && restingStates.has(summary.state))) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the poll to finish');
    await sleep(10);
  }
}
