// Benchmark worker: kvcert's agent syncs the job's certificates into a folder store, then
// polls them once more unchanged, then reports its idle memory.
import { setTimeout as sleep } from 'node:timers/promises';
import { FolderCertificateStore } from '../adapters/folder-store/folder-store.ts';
import type { Agent } from '../actors/agent.ts';
import { silentLogger } from '../actors/logger.ts';
import { createAgent } from '../actors/runtime.ts';
import { validateSettings } from '../actors/settings/validate-settings.ts';
import { CountingStore } from './counting-store.ts';
import type { SyncJob } from './sync-job.ts';
import { cpuMsSince, receiveJob, reportPhase } from './worker-process.ts';

const job = await receiveJob<SyncJob>();
const { settings } = validateSettings({
  secretsManagementSettings: {
    observedCertificates: job.names.map((name) => `${job.vaultUrl}/secrets/${name}`),
    ...(job.maxConcurrency ? { maxConcurrency: job.maxConcurrency } : {}),
  },
  authenticationSettings: { msiEndpoint: job.tokenEndpoint },
}, 'the benchmark');
const store = new CountingStore(new FolderCertificateStore(job.storeRoot));
const agent = createAgent(settings, { store, trustedCaPem: job.caPem, logger: silentLogger });

let cpuStart = process.cpuUsage();
let started = performance.now();
agent.start();
const initial = await agent.settled(600_000);
await reportPhase({
  phase: 'initial',
  wallMs: performance.now() - started,
  cpuMs: cpuMsSince(cpuStart),
  maxRssKb: process.resourceUsage().maxRSS,
  installed: initial.certificates.filter((certificate) => certificate.status === 'success').length,
  writes: store.writes,
  peakConcurrency: agent.limit.peak,
});

const writesBefore = store.writes;
cpuStart = process.cpuUsage();
started = performance.now();
await pollOnce(agent);
await reportPhase({
  phase: 'steady',
  wallMs: performance.now() - started,
  cpuMs: cpuMsSince(cpuStart),
  writes: store.writes - writesBefore,
  skippedGets: agent.polls.stats.skippedGets,
});

await reportPhase({ phase: 'idle', ...(await idleMemory()) });
await agent.stop();
process.exit(0);

/** Polls every certificate once more and waits until each finished that poll. */
async function pollOnce(running: Agent): Promise<void> {
  const pollsBefore = new Map(running.certificates().map((certificate) => [certificate.url, certificate.polls]));
  running.pollNow();
  while (!running.certificates().every((certificate) => certificate.polls > pollsBefore.get(certificate.url)! && certificate.state === 'idle')) {
    await sleep(20);
  }
}

async function idleMemory(): Promise<{ rssBytes: number; heapUsedBytes: number }> {
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  await sleep(300);
  collect?.();
  const usage = process.memoryUsage();
  return { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed };
}
