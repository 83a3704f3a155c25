// Progress of the initial sync on stdout: one line per certificate when its first poll
// finishes, and a progress bar while stdout is a terminal. Logs and pipes get the lines only.
import type { Subscription } from 'rxjs';
import type { Agent } from '../agent.ts';
import type { CertificateSummary } from '../../machines/status-rollup.ts';
import { clearBar, renderBar } from './progress-bar.ts';

/** The part of a stream that progress writes to; `process.stdout` fits. */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export type SyncOutcome = 'installed' | 'current' | 'failed';

const busyStates = new Set(['fetching', 'installing', 'acl', 'linked']);

/**
 * Returns how a certificate's first poll ended, or undefined while it has not. `current`
 * means the version already installed at start is still the latest.
 */
export function outcomeOf(summary: CertificateSummary, versionAtStart: string | undefined): SyncOutcome | undefined {
  if (summary.polls === 0 || busyStates.has(summary.state)) return undefined;
  if (summary.lastError) return 'failed';
  if (!summary.installed) return undefined;
  return summary.installed.version === versionAtStart ? 'current' : 'installed';
}

/** Returns the line printed for a finished certificate. */
export function outcomeLine(summary: CertificateSummary, outcome: SyncOutcome): string {
  if (outcome === 'failed') return `failed      ${summary.url}  ${summary.lastError?.reason}: ${summary.lastError?.message}`;
  const label = outcome === 'installed' ? 'installed ' : 'up to date';
  return `${label}  ${summary.url}  version ${summary.installed?.version}  thumbprint ${summary.installed?.thumbprint}`;
}

/** Prints progress until every certificate finished its first poll. Returns a function that stops early. */
export function reportSyncProgress(agent: Agent, output: ProgressOutput): () => void {
  const versionsAtStart = new Map(agent.certificates().map((summary) => [summary.url, summary.installed?.version]));
  const finished = new Map<string, SyncOutcome>();
  const showBar = output.isTTY === true;
  let done = false;
  let subscription: Subscription | undefined;

  const update = () => {
    if (done) return;
    const certificates = agent.certificates();
    for (const summary of certificates.filter((item) => !finished.has(item.url))) {
      const outcome = outcomeOf(summary, versionsAtStart.get(summary.url));
      if (!outcome) continue;
      finished.set(summary.url, outcome);
      output.write(`${showBar ? clearBar : ''}${outcomeLine(summary, outcome)}\n`);
    }
    if (certificates.length > 0 && certificates.every((item) => finished.has(item.url))) {
      finish(certificates.length);
    } else if (showBar) {
      output.write(renderBar(finished.size, certificates.length, output.columns));
    }
  };

  const finish = (total: number) => {
    done = true;
    const counts = (['installed', 'current', 'failed'] as const).map((kind) => [...finished.values()].filter((item) => item === kind).length);
    output.write(`${showBar ? clearBar : ''}Initial sync finished: ${total} certificates, ${counts[0]} installed, ${counts[1]} up to date, ${counts[2]} failed\n`);
    subscription?.unsubscribe();
  };

  subscription = agent.status$.subscribe(update);
  return () => {
    subscription?.unsubscribe();
    if (!done && showBar) output.write(clearBar);
    done = true;
  };
}
