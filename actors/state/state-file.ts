// The state file: per observed URL, the version and thumbprint kvcert installed, and every
// thumbprint it ever installed for that URL (for retention). Lets a restart skip installs.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../adapters/folder-store/atomic-write.ts';
import type { StoreTarget } from '../../adapters/store.ts';

export interface CertificateState {
  version: string;
  thumbprint: string;
  notAfter?: string;
  installedAt: string;
  target: StoreTarget;
  /** Thumbprints kvcert installed for this URL, oldest first, the current one last. */
  installedThumbprints: string[];
}

export interface AgentState {
  schemaVersion: 1;
  certificates: Record<string, CertificateState>;
}

export const emptyState = (): AgentState => ({ schemaVersion: 1, certificates: {} });

/** The state file could not be read; the agent starts as if it had none. */
export class StateFileError extends Error {
  override name = 'StateFileError';
}

function isState(value: unknown): value is AgentState {
  const candidate = value as AgentState | null;
  return typeof candidate === 'object' && candidate !== null && candidate.schemaVersion === 1 &&
    typeof candidate.certificates === 'object' && candidate.certificates !== null;
}

/** Reads the state file; a missing file is an empty state. Throws StateFileError for a damaged one. */
export async function readStateFile(path: string): Promise<AgentState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new StateFileError(`Cannot read the state file ${path}: ${(error as Error).message}`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StateFileError(`The state file ${path} is not valid JSON; kvcert starts without it and rewrites it.`);
  }
  if (!isState(parsed)) throw new StateFileError(`The state file ${path} has an unknown layout; kvcert starts without it and rewrites it.`);
  return parsed;
}

/** Writes the state file atomically, readable by the agent's user only. */
export async function writeStateFile(path: string, state: AgentState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}
