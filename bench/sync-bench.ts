// Initial sync, steady-state poll and idle memory: kvcert's agent and the simplest
// sequential script, alternating run by run so that both see the same machine load.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchVault, RequestCounts } from './bench-lab.ts';
import type { SyncJob } from './sync-job.ts';
import { runWorker } from './worker-process.ts';
import type { PhaseReport } from './worker-process.ts';

export interface SyncRun {
  agent: {
    initial: PhaseReport; initialRequests: RequestCounts; steady: PhaseReport; steadyRequests: RequestCounts; idle: PhaseReport;
    /** A GET and an install timed on their own after the agent stopped. */
    parts: PhaseReport;
  };
  baseline: { initial: PhaseReport; initialRequests: RequestCounts };
}

const workerTimeLimitMs = 240_000;

/** Runs the agent, then the baseline script, each on a new empty folder. */
export async function runSyncPair(lab: BenchVault, names: string[]): Promise<SyncRun> {
  const agent = await runAgentSync(lab, names);
  const baseline = await runBaselineSync(lab, names);
  return { agent, baseline };
}

/** Runs only the agent, e.g. to measure the idle memory of a small agent. */
export async function runAgentSync(lab: BenchVault, names: string[]): Promise<SyncRun['agent']> {
  const phases = await runWithCounts(lab, 'agent-worker.ts', names);
  return {
    initial: phases.initial.report, initialRequests: phases.initial.requests,
    steady: phases.steady.report, steadyRequests: phases.steady.requests,
    idle: phases.idle.report, parts: phases.parts.report,
  };
}

async function runBaselineSync(lab: BenchVault, names: string[]): Promise<SyncRun['baseline']> {
  const phases = await runWithCounts(lab, 'baseline-worker.ts', names);
  return { initial: phases.initial.report, initialRequests: phases.initial.requests };
}

async function runWithCounts(lab: BenchVault, script: string, names: string[]): Promise<Record<string, { report: PhaseReport; requests: RequestCounts }>> {
  const storeRoot = await mkdtemp(join(tmpdir(), 'kvcert-bench-store-'));
  const job: SyncJob = { vaultUrl: lab.vault.url, tokenEndpoint: lab.tokens.endpoint, caPem: lab.vault.caPem, names, storeRoot };
  const phases: Record<string, { report: PhaseReport; requests: RequestCounts }> = {};
  let counter = lab.counter();
  try {
    await runWorker(script, job, (report) => {
      phases[report.phase] = { report, requests: counter.read() };
      counter = lab.counter();
    }, workerTimeLimitMs);
  } finally {
    await rm(storeRoot, { recursive: true, force: true });
  }
  return phases;
}
