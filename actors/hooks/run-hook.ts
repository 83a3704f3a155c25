// Runs one hook program with execa: no shell, a time limit, and only the first few KiB of its
// output kept.
import { execa } from 'execa';
import type { Readable } from 'node:stream';
import type { HookCommand } from '../settings/hook-settings.ts';
import { hookInvocation } from './hook-invocation.ts';

/** Output bytes kept per run (stdout and stderr interleaved); the rest is read and dropped. */
export const maxHookOutputBytes = 4096;

/** Time between SIGTERM and SIGKILL for a hook that ran past its timeout. */
const killGraceMs = 2_000;

export interface HookOutcome {
  succeeded: boolean;
  /** Undefined when the program did not start or was killed by a signal. */
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  /** The reason the program could not start, e.g. `spawn /usr/local/bin/reload ENOENT`. */
  startError?: string;
  /** The first `maxHookOutputBytes` of stdout and stderr. */
  output: string;
  outputTruncated: boolean;
  durationMs: number;
}

export interface RunHookOptions {
  /** Added to the agent's own environment. */
  env: Record<string, string>;
  platform?: NodeJS.Platform;
  now?: () => number;
}

/** Runs `hook` and resolves when it exits or is killed; never rejects for a failing hook. */
export async function runHook(hook: HookCommand, options: RunHookOptions): Promise<HookOutcome> {
  const platform = options.platform ?? process.platform;
  const now = options.now ?? Date.now;
  const { file, args } = hookInvocation(hook, platform);
  const timeoutMs = hook.timeoutS * 1000;
  const started = now();

  const subprocess = execa(file, args, {
    env: options.env,
    stdin: 'ignore',
    all: true,
    buffer: false,
    reject: false,
    timeout: timeoutMs,
    forceKillAfterDelay: killGraceMs,
    // A process group of its own lets a timeout also stop the programs the hook started,
    // which would otherwise keep the output pipe open and the hook from finishing.
    detached: platform !== 'win32',
  });
  const output = collectOutput(subprocess.all);
  const stopTimers = scheduleTreeKill(subprocess.pid, platform, timeoutMs);
  const result = await subprocess;
  stopTimers();

  const collected = await output;
  const startError = result.exitCode === undefined && result.signal === undefined && !result.timedOut ? result.originalMessage : undefined;
  return {
    succeeded: result.exitCode === 0 && !result.timedOut,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    startError,
    output: collected.text,
    outputTruncated: collected.truncated,
    durationMs: now() - started,
  };
}

async function collectOutput(stream: Readable | undefined): Promise<{ text: string; truncated: boolean }> {
  const kept: Buffer[] = [];
  let size = 0;
  let truncated = false;
  if (!stream) return { text: '', truncated };
  for await (const chunk of stream) {
    const bytes = Buffer.from(chunk as Buffer);
    const room = maxHookOutputBytes - size;
    if (bytes.length > room) truncated = true;
    if (room > 0) kept.push(bytes.subarray(0, room));
    size += Math.min(room, bytes.length);
  }
  return { text: Buffer.concat(kept).toString('utf8'), truncated };
}

/**
 * Sends SIGTERM to the hook's process group at the timeout and SIGKILL after a grace period.
 * Returns a function that cancels what has not fired yet, so that a finished run never
 * signals a process group id that the system may have handed out again.
 */
function scheduleTreeKill(pid: number | undefined, platform: NodeJS.Platform, timeoutMs: number): () => void {
  if (pid === undefined) return () => {};
  if (platform === 'win32') {
    // NOTE: this tree kill has not run on Windows. execa's own timeout still kills the hook itself.
    const timer = setTimeout(() => void execa('taskkill', ['/T', '/F', '/PID', String(pid)], { reject: false }), timeoutMs);
    return () => clearTimeout(timer);
  }
  const terminate = setTimeout(() => signalGroup(pid, 'SIGTERM'), timeoutMs);
  const kill = setTimeout(() => signalGroup(pid, 'SIGKILL'), timeoutMs + killGraceMs);
  return () => {
    clearTimeout(terminate);
    clearTimeout(kill);
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group has already exited.
  }
}
