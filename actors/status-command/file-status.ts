// Builds the status document from the files a stopped agent left: the handler status file
// `<status-dir>/<seq>.status` and the state file.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OverallStatus, SubstatusValue } from '../../machines/status-rollup.ts';
import { readStateFile } from '../state/state-file.ts';
import type { AgentState } from '../state/state-file.ts';
import { daysUntil, statusSchemaVersion } from './status-document.ts';
import type { CertificateStatusEntry, StatusDocument } from './status-document.ts';

export interface StatusFilePaths {
  statusDir: string;
  /** Settings sequence number; unset picks the highest-numbered `.status` file in statusDir. */
  sequence?: number;
  stateFile: string;
}

/** Neither a status file nor a state file with certificates exists. */
export class StatusUnavailableError extends Error {
  override name = 'StatusUnavailableError';
}

interface HandlerSubstatus { name: string; status: SubstatusValue; formattedMessage?: { message?: string } }
interface HandlerStatus { timestampUTC?: string; status: { status: SubstatusValue; formattedMessage?: { message?: string }; substatus?: HandlerSubstatus[] } }

const overallOf: Record<SubstatusValue, OverallStatus> = { success: 'Ready', transitioning: 'Transitioning', error: 'Error' };

/** Reads the status and state files. `why` is the reason no running agent responded, for `sourceDetail`. */
export async function readFileStatus(paths: StatusFilePaths, why: string, now = new Date()): Promise<StatusDocument> {
  const statusPath = await findStatusFile(paths);
  const handler = statusPath ? await readHandlerStatus(statusPath) : undefined;
  const state = await readStateFile(paths.stateFile);
  if (!handler && Object.keys(state.certificates).length === 0) {
    throw new StatusUnavailableError(`${why}, and there is no status file in ${paths.statusDir} and no certificate in the state file ${paths.stateFile}. ` +
      "Start the agent with 'kvcert run', or pass --control, --status-dir or --state-file with the paths it uses.");
  }

  const urls = handler ? (handler.status.substatus ?? []).map((item) => item.name) : Object.keys(state.certificates);
  return {
    schemaVersion: statusSchemaVersion,
    source: 'files',
    sourceDetail: `${why}; read ${statusPath ?? '(no status file)'} and ${paths.stateFile}`,
    generatedAt: now.toISOString(),
    updatedAt: handler?.timestampUTC ?? null,
    status: handler ? overallOf[handler.status.status] ?? null : null,
    message: handler?.status.formattedMessage?.message ?? null,
    certificates: urls.map((url) => certificateEntry(url, handler, state, now)),
  };
}

async function findStatusFile(paths: StatusFilePaths): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(paths.statusDir);
  } catch {
    return undefined;
  }
  const numbered = names.flatMap((name) => /^(\d+)\.status$/.exec(name) ? [Number(name.split('.')[0])] : []);
  const sequence = paths.sequence ?? (numbered.length > 0 ? Math.max(...numbered) : undefined);
  return sequence !== undefined && numbered.includes(sequence) ? join(paths.statusDir, `${sequence}.status`) : undefined;
}

async function readHandlerStatus(path: string): Promise<HandlerStatus> {
  const document = JSON.parse(await readFile(path, 'utf8')) as unknown;
  const entry = Array.isArray(document) ? (document[0] as HandlerStatus | undefined) : undefined;
  if (!entry?.status?.status) throw new Error(`The status file ${path} has no status entry; it is not a kvcert or handler status file.`);
  return entry;
}

function certificateEntry(url: string, handler: HandlerStatus | undefined, state: AgentState, now: Date): CertificateStatusEntry {
  const substatus = handler?.status.substatus?.find((item) => item.name === url);
  const recorded = state.certificates[url];
  const message = substatus?.formattedMessage?.message ?? null;
  return {
    url,
    state: null,
    status: substatus?.status ?? null,
    version: recorded?.version ?? null,
    thumbprint: recorded?.thumbprint ?? null,
    notAfter: recorded?.notAfter ?? null,
    daysToExpiry: daysUntil(recorded?.notAfter, now),
    installedAt: recorded?.installedAt ?? null,
    nextPollAt: null,
    consecutiveFailures: null,
    lastError: substatus?.status === 'error' ? { reason: null, message: message ?? '' } : null,
    warnings: [],
    message,
    lastAfterInstallHook: null,
  };
}
