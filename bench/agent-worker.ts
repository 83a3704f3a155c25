// Benchmark worker: kvcert's agent syncs the job's certificates into a folder store, then
// polls them once more unchanged, then reports its idle memory. The agent is put together as
// createAgent (actors/runtime.ts) does it, with the parser wrapped to time it.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSecretValue } from '../adapters/bundle/parse-secret.ts';
import { FolderCertificateStore } from '../adapters/folder-store/folder-store.ts';
import { ManagedIdentityTokenCredential } from '../adapters/imds/managed-identity-credential.ts';
import { KeyVaultSecretSource } from '../adapters/keyvault/keyvault-secret-source.ts';
import { parseSecretUrl } from '../adapters/keyvault/secret-url.ts';
import { Agent } from '../actors/agent.ts';
import { silentLogger } from '../actors/logger.ts';
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
const credential = new ManagedIdentityTokenCredential({ endpoint: settings.msiEndpoint, clientId: settings.msiClientId });
const source = new KeyVaultSecretSource({ credential, trustedCaPem: job.caPem });
let parseCpuMs = 0;
const timedParse: typeof parseSecretValue = (...args) => {
  const start = process.cpuUsage();
  try {
    return parseSecretValue(...args);
  } finally {
    parseCpuMs += cpuMsSince(start);
  }
};
const agent = new Agent({ settings, source, lister: source, store, parseSecret: timedParse, logger: silentLogger });

let cpuStart = process.cpuUsage();
let started = performance.now();
agent.start();
const initial = await agent.settled(600_000);
await reportPhase({
  phase: 'initial',
  wallMs: performance.now() - started,
  cpuMs: cpuMsSince(cpuStart),
  parseCpuMs,
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
const stopStarted = performance.now();
await agent.stop();
const stopMs = performance.now() - stopStarted;
await reportPhase({ phase: 'parts', stopMs, ...(await measureParts(job.names.slice(0, 100))) });
process.exit(0);

/**
 * Times a GET through the SDK and an install into a new folder store on their own, one at a
 * time, so that the report can show where the agent's CPU goes.
 */
async function measureParts(names: string[]): Promise<{ getCpuMs: number; installCpuMs: number; installWallMs: number }> {
  const refs = names.map((name) => parseSecretUrl(`${job.vaultUrl}/secrets/${name}`));
  let start = process.cpuUsage();
  const secrets = [];
  for (const ref of refs) secrets.push(await source.getSecret(ref));
  const getCpuMs = cpuMsSince(start) / refs.length;

  const bundles = secrets.map((secret) => parseSecretValue(secret.value, secret.contentType, 'https://bench.vault.azure.net/secrets/parts'));
  const folder = new FolderCertificateStore(join(job.storeRoot, 'parts'));
  const context = { certificateUrl: 'https://bench.vault.azure.net/secrets/parts', version: 'v1', keyExportable: false };
  start = process.cpuUsage();
  const started = performance.now();
  for (const bundle of bundles) await folder.install({ location: 'LocalMachine', name: 'My' }, bundle, context);
  return { getCpuMs, installCpuMs: cpuMsSince(start) / bundles.length, installWallMs: (performance.now() - started) / bundles.length };
}

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
