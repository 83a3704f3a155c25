// Default locations of kvcert's files when no flag sets them.
import { join } from 'node:path';

/** `%ProgramData%\kvcert` on Windows, `/var/lib/kvcert` elsewhere; KVCERT_HOME overrides both. */
export function defaultHome(): string {
  if (process.env.KVCERT_HOME) return process.env.KVCERT_HOME;
  if (process.platform === 'win32') return join(process.env.ProgramData ?? 'C:\\ProgramData', 'kvcert');
  return '/var/lib/kvcert';
}

export const defaultStoreRoot = (): string => join(defaultHome(), 'store');
export const defaultStatusDir = (): string => join(defaultHome(), 'status');
export const defaultStateFile = (): string => join(defaultHome(), 'state.json');
