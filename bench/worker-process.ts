// Runs a benchmark step in its own Node process, so that its peak memory and CPU time are
// its own. The parent sends one job. The worker reports each phase and waits until the
// parent acknowledges it, so that the parent can read its request counters between phases.
import { fork } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..');

/** A phase result: the phase name and its numbers. */
export interface PhaseReport {
  phase: string;
  [metric: string]: unknown;
}

/**
 * Forks `script` (a path under bench/) with the network guard loaded, sends `job`, and calls
 * `onPhase` for each report before acknowledging it. Kills the worker after `timeoutMs`.
 */
export function runWorker(script: string, job: unknown, onPhase: (report: PhaseReport) => void | Promise<void>, timeoutMs: number): Promise<void> {
  const child = fork(join(repoRoot, 'bench', script), [], {
    execArgv: ['--import', join(repoRoot, 'test', 'network-guard.ts'), '--expose-gc', ...extraNodeOptions()],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);

  return new Promise((resolve, reject) => {
    child.on('message', (message) => {
      void Promise.resolve(onPhase(message as PhaseReport)).then(() => child.connected && child.send('next'), reject);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`bench worker ${script} ended with ${signal ?? `exit code ${code}`} (time limit ${timeoutMs} ms)`));
    });
    child.send(job as object);
  });
}

/** KVCERT_BENCH_NODE_OPTIONS adds Node options to every worker, e.g. `--cpu-prof` to profile one. */
function extraNodeOptions(): string[] {
  return (process.env.KVCERT_BENCH_NODE_OPTIONS ?? '').split(' ').filter((option) => option !== '');
}

/** Worker side: waits for the job. */
export function receiveJob<T>(): Promise<T> {
  return new Promise((resolve) => process.once('message', (job) => resolve(job as T)));
}

/** Worker side: sends a phase report and waits until the parent has read its counters. */
export function reportPhase(report: PhaseReport): Promise<void> {
  return new Promise((resolve) => {
    process.once('message', () => resolve());
    process.send!(report);
  });
}

/** Worker side: CPU time (user + system) in milliseconds since `start`. */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
