// The handler heartbeat file: the guest agent marks a handler unresponsive when the file
// is older than 10 minutes, so it is rewritten every minute while the agent runs.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../adapters/folder-store/atomic-write.ts';
import type { StatusReport } from '../../machines/status-rollup.ts';

/** Writes `[{ version, heartbeat: { status: ready|notready, code, formattedMessage } }]`. */
export async function writeHeartbeatFile(path: string, report: StatusReport): Promise<void> {
  const ready = report.status !== 'Error';
  const document = [{
    version: 1.0,
    heartbeat: {
      status: ready ? 'ready' : 'notready',
      code: ready ? 0 : 1,
      formattedMessage: { lang: 'en', message: `${report.status}: ${report.message}`.slice(0, 1024) },
    },
  }];
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, JSON.stringify(document), 0o644);
}
