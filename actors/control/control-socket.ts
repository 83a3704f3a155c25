// A local control channel so that `kvcert sync --now` can reach a running agent: a Unix
// domain socket (mode 0600) or, on Windows, a named pipe. Never a TCP port.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { defaultHome } from '../defaults.ts';

export interface ControlRequest { command: 'poll' | 'status' | 'stop' }
export interface ControlResponse {
  ok: boolean;
  message: string;
  report?: unknown;
  /** The `kvcert status` document (actors/status-command/status-document.ts), in responses to `status`. */
  status?: unknown;
}

/** `<home>/kvcert.sock`, or a named pipe derived from the home folder on Windows. */
export function defaultControlPath(home = defaultHome()): string {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\kvcert-${createHash('sha256').update(home.toLowerCase()).digest('hex').slice(0, 16)}`;
  }
  return join(home, 'kvcert.sock');
}
