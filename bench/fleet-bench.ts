// The fleet simulation: many machines' pollers against one vault that enforces a request
// limit with 429 and Retry-After, as Key Vault does.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TokenEmulator } from '../emulators/token-emulator.ts';
import { startBenchVault } from './bench-lab.ts';
import type { RequestCounts } from './bench-lab.ts';
import type { BenchSecret } from './bench-secrets.ts';
import type { FleetJob } from './fleet-worker.ts';
import { runWorker } from './worker-process.ts';
import type { PhaseReport } from './worker-process.ts';

export interface FleetResult {
  machines: number;
  certificatesPerMachine: number;
  limitPerWindow: number;
  windowMs: number;
  converge: PhaseReport;
  convergeRequests: RequestCounts;
  poll: PhaseReport;
  pollRequests: RequestCounts;
  /** CPU time the simulation process used for the machines' work. */
  simulatorCpuMs: number;
}

/**
 * Starts a vault with the limit, publishes `secrets`, waits `settleMs` (so that the
 * listing can vouch for them, see listing-decision.ts), then runs the machines.
 */
export async function runFleet(tokens: TokenEmulator, secrets: BenchSecret[], machines: number, limitPerWindow: number, settleMs: number): Promise<FleetResult> {
  const windowMs = 10_000;
  const lab = await startBenchVault({ limit: limitPerWindow, windowMs }, tokens);
  try {
    lab.publish(secrets);
    await sleep(settleMs);
    const job: FleetJob = {
      vaultUrl: lab.vault.url, tokenEndpoint: tokens.endpoint, caPem: lab.vault.caPem, machines,
      names: secrets.map((secret) => secret.name), timeLimitMs: 120_000,
    };
    const phases: Record<string, { report: PhaseReport; requests: RequestCounts }> = {};
    let counter = lab.counter();
    await runWorker('fleet-worker.ts', job, (report) => {
      phases[report.phase] = { report, requests: counter.read() };
      counter = lab.counter();
    }, 300_000);
    return {
      machines, certificatesPerMachine: secrets.length, limitPerWindow, windowMs,
      converge: phases.converge.report, convergeRequests: phases.converge.requests,
      poll: phases.poll.report, pollRequests: phases.poll.requests,
      simulatorCpuMs: phases.poll.report.cpuMs as number,
    };
  } finally {
    await lab.close();
  }
}
