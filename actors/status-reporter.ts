// Writes the status file whenever the overall status or a certificate's status changes.
import { auditTime, distinctUntilChanged, map } from 'rxjs';
import type { Subscription } from 'rxjs';
import type { Agent } from './agent.ts';
import type { Logger } from './logger.ts';
import { writeStatusFile } from './status/status-file.ts';
import type { StatusReport } from '../machines/status-rollup.ts';

export interface StatusReporterOptions {
  folder: string;
  sequence: number;
  name: string;
  logger: Logger;
}

function fingerprint(report: StatusReport): string {
  return JSON.stringify([report.status, report.message, report.certificates]);
}

/** Subscribes to the agent's status and rewrites the status file on change. Returns a stop function. */
export function reportStatus(agent: Agent, options: StatusReporterOptions): () => Promise<void> {
  const appliedAt = new Date();
  let pending: Promise<void> = Promise.resolve();
  let lastStatus: string | undefined;

  const write = (report: StatusReport) => {
    pending = pending.then(async () => {
      const path = await writeStatusFile(options.folder, options.sequence, report, {
        name: options.name, operation: 'Enable', now: new Date(), configurationAppliedTime: appliedAt,
      });
      if (report.status !== lastStatus) {
        const level = report.status === 'Error' ? 'error' : 'info';
        options.logger[level]('status.changed', { status: report.status, reason: report.reason, message: report.message, statusFile: path });
        lastStatus = report.status;
      }
    }).catch((error: Error) => options.logger.error('status.write_failed', { message: error.message }));
  };

  const subscription: Subscription = agent.status$
    .pipe(auditTime(200), map((report) => ({ report, key: fingerprint(report) })), distinctUntilChanged((a, b) => a.key === b.key))
    .subscribe(({ report }) => write(report));

  return async () => {
    subscription.unsubscribe();
    write(agent.report());
    await pending;
  };
}
