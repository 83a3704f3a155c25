// The VM-extension handler status file: `<statusFolder>/<seq>.status`, an array whose
// first element the guest agent reads. Written atomically with mode 0600: the guest agent
// runs as root (SYSTEM on Windows, where the mode has no effect), and the messages name
// vaults, certificates and failures that other local users need not read.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../adapters/folder-store/atomic-write.ts';
import type { OverallStatus, StatusReport } from '../../machines/status-rollup.ts';

const handlerStatus: Record<OverallStatus, 'transitioning' | 'error' | 'success'> = {
  Transitioning: 'transitioning',
  Error: 'error',
  Ready: 'success',
};

/** The guest agent truncates longer texts and rejects files over 128 KiB. */
const maxMessageChars = 1024;
const maxSubstatusMessageChars = 10 * 1024;
const maxFileBytes = 128 * 1024;

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 16)} ... [TRUNCATED]`;
}

export interface StatusFileOptions {
  /** `status.name`, e.g. KeyVaultForWindows. */
  name: string;
  /** `Enable` while the agent runs. */
  operation: string;
  now: Date;
  configurationAppliedTime: Date;
}

/** Builds the status document: one substatus per certificate, named by its URL. */
export function buildStatusDocument(report: StatusReport, options: StatusFileOptions): unknown[] {
  const substatus = report.certificates.map((certificate) => ({
    name: certificate.url,
    status: certificate.status,
    code: certificate.status === 'error' ? 1 : 0,
    formattedMessage: { lang: 'en', message: truncate(certificate.message, maxSubstatusMessageChars) },
  }));
  const status = handlerStatus[report.status];
  return [{
    version: 1.0,
    timestampUTC: options.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    status: {
      name: options.name,
      operation: options.operation,
      configurationAppliedTime: options.configurationAppliedTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      status,
      code: status === 'error' ? 1 : 0,
      formattedMessage: { lang: 'en', message: truncate(report.message, maxMessageChars) },
      substatus,
    },
  }];
}

/** Renders the document, leaving out successful substatuses when the file would exceed 128 KiB. */
export function renderStatusDocument(document: unknown[]): string {
  const text = JSON.stringify(document, null, 2);
  if (Buffer.byteLength(text) <= maxFileBytes) return text;
  const [entry] = document as Array<{ status: { substatus: Array<{ status: string }> } }>;
  entry.status.substatus = entry.status.substatus.filter((item) => item.status !== 'success');
  const compact = JSON.stringify(document);
  if (Buffer.byteLength(compact) <= maxFileBytes) return compact;
  entry.status.substatus = entry.status.substatus.slice(0, 100);
  return JSON.stringify(document);
}

/**
 * Writes `<folder>/<sequence>.status` atomically and returns its path. A folder that kvcert
 * creates gets mode 0700; an existing one, such as the handler's, keeps its mode.
 */
export async function writeStatusFile(folder: string, sequence: number, report: StatusReport, options: StatusFileOptions): Promise<string> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, `${sequence}.status`);
  await writeFileAtomic(path, renderStatusDocument(buildStatusDocument(report, options)), 0o600);
  return path;
}
