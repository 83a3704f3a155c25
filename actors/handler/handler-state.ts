// kvcert's own handler state folder. It lives outside the handler folder, which the guest
// agent deletes on uninstall and replaces on every version update.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../adapters/folder-store/atomic-write.ts';
import { defaultControlPath } from '../control/control-socket.ts';
import { UsageError } from '../cli-options.ts';

/** Unix socket paths longer than this fail to bind on Linux (108 bytes) and macOS (104 bytes). */
const maxSocketPathBytes = 100;

export interface HandlerPaths {
  stateDir: string;
  /** The agent's `--state-file`: installed versions per URL. */
  stateFile: string;
  /** The agent's `--pid-file`, written by the agent once it runs and removed when it stops. */
  pidFile: string;
  /** The agent's `--control`: a Unix socket in the state folder, or a named pipe on Windows. */
  controlPath: string;
  /** Record of the agent that enable started: pid, sequence number, settings file and agent flags. */
  launchRecord: string;
  /** Written by `update`, so that the old version's `uninstall` keeps the state the new version uses. */
  updateMarker: string;
}

/** Lists the files in `stateDir`; throws UsageError when the control socket path would be too long. */
export function handlerPaths(stateDir: string): HandlerPaths {
  const controlPath = defaultControlPath(stateDir);
  if (process.platform !== 'win32' && Buffer.byteLength(controlPath) > maxSocketPathBytes) {
    throw new UsageError(`the control socket path ${controlPath} is longer than ${maxSocketPathBytes} bytes, so it cannot be bound; ` +
      'choose a shorter --state-dir or KVCERT_HOME');
  }
  return {
    stateDir,
    stateFile: join(stateDir, 'state.json'),
    pidFile: join(stateDir, 'agent.pid'),
    controlPath,
    launchRecord: join(stateDir, 'agent.json'),
    updateMarker: join(stateDir, 'update-in-progress.json'),
  };
}

export async function createStateDir(paths: HandlerPaths): Promise<void> {
  await mkdir(paths.stateDir, { recursive: true, mode: 0o700 });
}

/** Record of the agent that `enable` started, so that a later `enable` recognises an agent that already serves the same settings. */
export interface LaunchRecord {
  pid: number;
  sequence: number;
  settingsFile: string;
  agentArgs: string[];
  startedAt: string;
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** Returns the launch record, or undefined when it is missing or damaged. */
export async function readLaunchRecord(paths: HandlerPaths): Promise<LaunchRecord | undefined> {
  const value = await readJson(paths.launchRecord) as Partial<LaunchRecord> | undefined;
  if (typeof value?.pid !== 'number' || typeof value.sequence !== 'number' || typeof value.settingsFile !== 'string') return undefined;
  return { pid: value.pid, sequence: value.sequence, settingsFile: value.settingsFile, agentArgs: value.agentArgs ?? [], startedAt: value.startedAt ?? '' };
}

export async function writeLaunchRecord(paths: HandlerPaths, record: LaunchRecord): Promise<void> {
  await writeFileAtomic(paths.launchRecord, JSON.stringify(record, null, 2), 0o600);
}

/** Reads the pid file; undefined when it is missing or does not hold a process id. */
export async function readPidFile(paths: HandlerPaths): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(paths.pidFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** An update marker older than this is left over from a failed update and is ignored. */
const updateMarkerMaxAgeMs = 60 * 60 * 1000;

export interface UpdateMarker {
  fromVersion?: string;
  toVersion?: string;
  at: string;
}

export async function writeUpdateMarker(paths: HandlerPaths, marker: UpdateMarker): Promise<void> {
  await writeFileAtomic(paths.updateMarker, JSON.stringify(marker, null, 2), 0o600);
}

/** Returns the update marker when an update started less than an hour before `now`. */
export async function readRecentUpdateMarker(paths: HandlerPaths, now = new Date()): Promise<UpdateMarker | undefined> {
  const value = await readJson(paths.updateMarker) as Partial<UpdateMarker> | undefined;
  const at = Date.parse(value?.at ?? '');
  if (value === undefined || Number.isNaN(at) || now.getTime() - at > updateMarkerMaxAgeMs) return undefined;
  return { fromVersion: value.fromVersion, toVersion: value.toVersion, at: value.at as string };
}

export async function removeUpdateMarker(paths: HandlerPaths): Promise<void> {
  await rm(paths.updateMarker, { force: true });
}
