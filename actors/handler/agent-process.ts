// Finds out whether the agent that enable started is still running, without trusting a pid
// file that may be left over from before a reboot.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { sendControlRequest } from '../control/control-client.ts';
import type { HandlerPaths } from './handler-state.ts';
import { readLaunchRecord, readPidFile } from './handler-state.ts';

/** Returns true when a process with this id exists, including one owned by another user. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Checks that `pid` is a kvcert agent started with `--pid-file pidFile`, by its command line
 * in /proc. Returns undefined where /proc does not exist (Windows, macOS): there a pid is
 * trusted only when the agent also responded on its control socket.
 */
export async function isAgentProcess(pid: number, pidFile: string): Promise<boolean | undefined> {
  if (!existsSync('/proc/self/cmdline')) return undefined;
  let commandLine: string;
  try {
    commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return false;
  }
  const args = commandLine.split('\0');
  const flag = args.indexOf('--pid-file');
  return flag >= 0 && args[flag + 1] === pidFile;
}

/** Returns true when an agent responds to a `status` request on the control socket within `timeoutMs`. */
export async function agentAnswers(controlPath: string, timeoutMs = 5_000): Promise<boolean> {
  try {
    const response = await sendControlRequest(controlPath, { command: 'status' }, timeoutMs);
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Returns the id of the running agent from the pid file or, while the agent is still
 * starting, from the launch record. A live process counts only when its command line names
 * our pid file, or, where that cannot be checked, when `controlAnswered` is true.
 */
export async function findAgentPid(paths: HandlerPaths, controlAnswered: boolean): Promise<number | undefined> {
  const candidates = [await readPidFile(paths), (await readLaunchRecord(paths))?.pid];
  for (const pid of new Set(candidates)) {
    if (pid === undefined || pid === process.pid || !isProcessAlive(pid)) continue;
    const ours = await isAgentProcess(pid, paths.pidFile);
    if (ours === true || (ours === undefined && controlAnswered)) return pid;
  }
  return undefined;
}

/** Polls `condition` every `pollMs` until it is true or `timeoutMs` passes, and returns its last value. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((done) => setTimeout(done, Math.min(pollMs, Math.max(deadline - Date.now(), 1))));
  }
}
