// `npm run bench`: measures kvcert against the loopback emulators and writes
// docs/benchmarks.md. Every step has a time limit, so the whole run ends by itself.
// KVCERT_BENCH_CERTIFICATES (default 1000), KVCERT_BENCH_RUNS (default 3) and
// KVCERT_BENCH_MACHINES (fleet size, default 500) scale it down for a quick look.
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { updatedMarginS } from '../actors/vault-poll/listing-decision.ts';
import { startBenchVault } from './bench-lab.ts';
import type { BenchResults } from './bench-results.ts';
import { BenchSecretMaker } from './bench-secrets.ts';
import type { BenchSecret } from './bench-secrets.ts';
import { runFleet } from './fleet-bench.ts';
import { describeMachine } from './machine-info.ts';
import { corpusPfxCases, runParseBench } from './parse-bench.ts';
import { runRenewalBench } from './renewal-bench.ts';
import { renderReport } from './report.ts';
import { runAgentSync, runSyncPair } from './sync-bench.ts';
import { repoRoot } from './worker-process.ts';

const certificates = Number(process.env.KVCERT_BENCH_CERTIFICATES ?? 1000);
const runs = Number(process.env.KVCERT_BENCH_RUNS ?? 3);
/**
 * No step starts when its estimated time would take the benchmark past this, so that
 * `npm run bench` ends within about 5 minutes. Skipped steps are listed on the page.
 */
const budgetMs = 270_000;
const fleetMachines = Number(process.env.KVCERT_BENCH_MACHINES ?? 500);
const renewals = 5;

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

const started = new Date();
const results: BenchResults = {
  machine: describeMachine(), command: 'npm run bench', startedAt: started, durationS: 0,
  loadAverage: { start: loadavg()[0], end: 0 }, certificates, sync: [], parse: [], fleet: [], skipped: [],
};

const lab = await startBenchVault();
try {
  log(`making ${certificates} certificate secrets`);
  const maker = await BenchSecretMaker.create();
  const secrets = await maker.makeMany('cert', certificates);
  lab.publish(secrets);
  const publishedAt = Date.now();
  const renewed: BenchSecret[] = [];
  for (let index = 0; index < renewals; index += 1) renewed.push(await maker.make(secrets[index * 7 % secrets.length].name));
  const fleetSecrets = await maker.makeMany('fleet', 4);

  await step('PKCS#12 parsing', async () => {
    const benchCase = { id: 'bench-windows-3des', value: secrets[0].value, description: 'sync benchmark PFX' };
    results.parse = await runParseBench([...corpusPfxCases(), benchCase], 7, 20);
  });
  await settle(publishedAt);

  const names = secrets.map((secret) => secret.name);
  let pairMs = 0;
  const syncPair = async (run: number) => {
    const pairStarted = Date.now();
    await step(`initial sync, run ${run} of ${runs}`, async () => {
      results.sync.push(await runSyncPair(lab, names));
    });
    pairMs = Math.max(pairMs, Date.now() - pairStarted);
  };
  for (let run = 1; run <= Math.min(runs, 2); run += 1) await syncPair(run);
  await step('idle memory of a one-certificate agent', async () => {
    const idle = (await runAgentSync(lab, [secrets[0].name])).idle;
    results.smallAgentIdle = { rssBytes: idle.rssBytes as number, heapUsedBytes: idle.heapUsedBytes as number };
  });

  if (withinBudget('renewal latency', 45_000)) {
    await step('renewal latency', async () => {
      results.renewal = await runRenewalBench(lab, secrets, renewed);
    });
  }
  for (const limit of [4000, 1000]) {
    const name = `fleet of ${fleetMachines} machines, vault limit ${limit} per 10 s`;
    if (!withinBudget(name, 60_000)) continue;
    await step(name, async () => {
      results.fleet.push(await runFleet(lab.tokens, fleetSecrets, fleetMachines, limit, (updatedMarginS + 1) * 1000));
    });
  }
  for (let run = 3; run <= runs; run += 1) {
    if (!withinBudget(`initial sync, run ${run} of ${runs}`, pairMs)) break;
    await syncPair(run);
  }
} finally {
  await lab.close();
}

results.durationS = (Date.now() - started.getTime()) / 1000;
results.loadAverage.end = loadavg()[0];
await writeFile(join(repoRoot, 'docs', 'benchmarks.md'), renderReport(results));
log(`wrote docs/benchmarks.md in ${Math.round(results.durationS)} s`);

/** Returns whether a step of about `estimateMs` fits the budget, and lists it as skipped when not. */
function withinBudget(name: string, estimateMs: number): boolean {
  const elapsedMs = Date.now() - started.getTime();
  if (elapsedMs + estimateMs <= budgetMs) return true;
  results.skipped.push(`${name}: after ${Math.round(elapsedMs / 1000)} s it would not have ended within the ${budgetMs / 1000} s budget`);
  return false;
}

/** Runs one measurement. A failure is reported on the page instead of ending the benchmark. */
async function step(name: string, measure: () => Promise<void>): Promise<void> {
  log(name);
  try {
    await measure();
  } catch (error) {
    log(`${name} failed: ${(error as Error).message}`);
    results.skipped.push(`${name}: failed with ${(error as Error).message}`);
  }
}

/**
 * Waits until the secrets are older than the margin the listing check needs
 * (listing-decision.ts). Secrets on a real vault are that old when an agent starts.
 */
async function settle(publishedAt: number): Promise<void> {
  const remainingMs = publishedAt + (updatedMarginS + 1) * 1000 - Date.now();
  if (remainingMs > 0) await sleep(remainingMs);
}
