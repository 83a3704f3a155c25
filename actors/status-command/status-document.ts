// The document `kvcert status --json` prints, and the running agent sends in its `status`
// control response. docs/operations.md describes every field; change it only by adding fields.
import type { OverallStatus, SubstatusValue } from '../../machines/status-rollup.ts';

export const statusSchemaVersion = 1;

export interface HookRunEntry {
  version: string;
  command: string;
  succeeded: boolean;
  exitCode: number | null;
  timedOut: boolean;
  finishedAt: string;
}

export interface CertificateStatusEntry {
  url: string;
  /** Machine state (idle, fetching, installing, acl, linked, errorBackoff); null when read from files. */
  state: string | null;
  status: SubstatusValue | null;
  version: string | null;
  thumbprint: string | null;
  notAfter: string | null;
  /** Whole days from `generatedAt` to notAfter, rounded down; negative once expired. */
  daysToExpiry: number | null;
  installedAt: string | null;
  /** When the certificate is fetched next; null while a fetch runs or when read from files. */
  nextPollAt: string | null;
  /** Consecutive failed polls; null when read from files. */
  consecutiveFailures: number | null;
  lastError: { reason: string | null; message: string } | null;
  warnings: string[];
  /** The substatus message of the status file. */
  message: string | null;
  lastAfterInstallHook: HookRunEntry | null;
}

export interface StatusDocument {
  schemaVersion: typeof statusSchemaVersion;
  source: 'agent' | 'files';
  /** The origin of the data: the control socket path, or the status and state file paths. */
  sourceDetail: string;
  generatedAt: string;
  /** When the agent last wrote the status; equal to generatedAt for a running agent. */
  updatedAt: string | null;
  status: OverallStatus | null;
  message: string | null;
  certificates: CertificateStatusEntry[];
}

const dayMs = 86_400_000;

/** Returns whole days from `now` to `notAfter`, or null when notAfter is unknown. */
export function daysUntil(notAfter: string | undefined, now: Date): number | null {
  if (!notAfter) return null;
  const time = Date.parse(notAfter);
  return Number.isNaN(time) ? null : Math.floor((time - now.getTime()) / dayMs);
}
