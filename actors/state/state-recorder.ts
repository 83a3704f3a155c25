// Keeps the state file in step with the installed versions and applies retention: with
// `retainVersions` set, only that many versions kvcert installed per URL stay in the store.
import type { Subscription } from 'rxjs';
import type { CertificateStore } from '../../adapters/store.ts';
import type { CertificateSummary } from '../../machines/status-rollup.ts';
import type { Agent } from '../agent.ts';
import type { Logger } from '../logger.ts';
import type { ObservedCertificate } from '../settings/settings.ts';
import type { AgentState, CertificateState } from './state-file.ts';
import { writeStateFile } from './state-file.ts';

export interface StateRecorderOptions {
  path: string;
  state: AgentState;
  store: CertificateStore;
  logger: Logger;
  /** Returns the settings of a URL, or undefined once it left the settings. */
  lookup: (url: string) => ObservedCertificate | undefined;
  /** Versions to keep per URL; undefined keeps all. */
  retainVersions: () => number | undefined;
  now?: () => Date;
}

function recordInstall(previous: CertificateState | undefined, summary: CertificateSummary, observed: ObservedCertificate, now: Date): CertificateState {
  const installed = summary.installed!;
  const history = (previous?.installedThumbprints ?? []).filter((thumbprint) => thumbprint !== installed.thumbprint);
  return {
    version: installed.version,
    thumbprint: installed.thumbprint,
    notAfter: installed.notAfter,
    installedAt: now.toISOString(),
    target: { location: observed.storeLocation, name: observed.storeName },
    installedThumbprints: [...history, installed.thumbprint],
  };
}

/** Subscribes to the agent and returns a function that stops and waits for pending writes. */
export function recordState(agent: Agent, options: StateRecorderOptions): () => Promise<void> {
  const state = options.state;
  const now = options.now ?? (() => new Date());
  let pending: Promise<void> = Promise.resolve();

  const update = () => {
    let changed = false;
    for (const summary of agent.certificates()) {
      if (!summary.installed) continue;
      const current = state.certificates[summary.url];
      // This runs on every status change of every certificate, so the settings lookup, which
      // may scan all observed certificates, waits until a version needs recording.
      if (current?.version !== summary.installed.version || current.thumbprint !== summary.installed.thumbprint) {
        const observed = options.lookup(summary.url);
        if (!observed) continue;
        state.certificates[summary.url] = recordInstall(current, summary, observed, now());
        changed = true;
      }
      if (summary.state === 'idle') changed = applyRetention(summary.url) || changed;
    }
    if (changed) queueWrite();
  };

  const applyRetention = (url: string): boolean => {
    const entry = state.certificates[url];
    const keep = options.retainVersions();
    if (!entry || keep === undefined || entry.installedThumbprints.length <= keep) return false;
    const removable = entry.installedThumbprints.slice(0, entry.installedThumbprints.length - keep).filter((t) => t !== entry.thumbprint);
    entry.installedThumbprints = entry.installedThumbprints.filter((thumbprint) => !removable.includes(thumbprint));
    pending = pending.then(() => removeVersions(url, entry, removable));
    return true;
  };

  const removeVersions = async (url: string, entry: CertificateState, thumbprints: string[]) => {
    for (const thumbprint of thumbprints) {
      try {
        await options.store.remove(entry.target, thumbprint, { certificateUrl: url, version: entry.version, keyExportable: false });
        options.logger.info('certificate.removed', { certificateUrl: url, thumbprint, reason: 'Retention' });
      } catch (error) {
        options.logger.warn('certificate.remove_failed', { certificateUrl: url, thumbprint, message: (error as Error).message });
      }
    }
  };

  const queueWrite = () => {
    pending = pending.then(() => writeStateFile(options.path, state))
      .catch((error: Error) => options.logger.error('state.write_failed', { message: error.message }));
  };

  const subscription: Subscription = agent.status$.subscribe(update);
  return async () => {
    subscription.unsubscribe();
    update();
    await pending;
  };
}

/** Returns the installed versions that a state file records, as the agent's starting point. */
export function installedFromState(state: AgentState): Record<string, { version: string; thumbprint: string; notAfter?: string }> {
  return Object.fromEntries(Object.entries(state.certificates).map(([url, entry]) => [url, { version: entry.version, thumbprint: entry.thumbprint, notAfter: entry.notAfter }]));
}
