// Tells whether a process still runs, for tests that check that a hook's children were killed.
import { readFile } from 'node:fs/promises';

/**
 * True while `pid` exists and is not a zombie. A killed child whose parent died first stays a
 * zombie until the init process reaps it, which can take a while in containers.
 */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/^\d+ \(.*\) Z/.test(stat);
}
