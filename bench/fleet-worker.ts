// Benchmark worker: the pollers of many machines in one process, each with its own
// managed-identity credential, Key Vault client and agent, all started at once against one
// vault. Reports when every certificate was installed, then polls every machine once more.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSecretValue } from '../adapters/bundle/parse-secret.ts';
import { ManagedIdentityTokenCredential } from '../adapters/imds/managed-identity-credential.ts';
import { KeyVaultSecretSource } from '../adapters/keyvault/keyvault-secret-source.ts';
import { Agent } from '../actors/agent.ts';
import { silentLogger } from '../actors/logger.ts';
import { validateSettings } from '../actors/settings/validate-settings.ts';
import { hasGivenUp } from '../machines/status-rollup.ts';
import { MemoryStore } from './memory-store.ts';
import { cpuMsSince, receiveJob, reportPhase } from './worker-process.ts';

export interface FleetJob {
  vaultUrl: string;
  tokenEndpoint: string;
  caPem: string;
  machines: number;
  /** Secret names every machine observes. */
  names: string[];
  /** The simulation gives up waiting for convergence after this long. */
  timeLimitMs: number;
}

const job = await receiveJob<FleetJob>();
const { settings } = validateSettings({
  secretsManagementSettings: { observedCertificates: job.names.map((name) => `${job.vaultUrl}/secrets/${name}`), requireInitialSync: true },
  authenticationSettings: { msiEndpoint: job.tokenEndpoint },
}, 'the fleet simulation');

const agents = Array.from({ length: job.machines }, () => {
  const source = new KeyVaultSecretSource({ credential: new ManagedIdentityTokenCredential({ endpoint: job.tokenEndpoint }), trustedCaPem: job.caPem });
  return new Agent({ settings, source, lister: source, store: new MemoryStore(), parseSecret: parseSecretValue, logger: silentLogger });
});

/** The highest retry count any certificate reached, sampled every 100 ms. */
let peakAttempt = 0;

const cpuStart = process.cpuUsage();
const started = performance.now();
for (const agent of agents) agent.start();
const converged = await waitUntil(() => agents.every((agent) => agent.certificates().every((summary) => summary.installed)), job.timeLimitMs);
await reportPhase({ phase: 'converge', converged, wallMs: performance.now() - started, ...outcome() });

const pollStarted = performance.now();
const pollsBefore = agents.map((agent) => agent.certificates().map((summary) => summary.polls));
for (const agent of agents) agent.pollNow();
const polled = await waitUntil(() => agents.every((agent, index) => agent.certificates()
  .every((summary, position) => summary.polls > pollsBefore[index][position] && summary.state === 'idle')), job.timeLimitMs);
await reportPhase({ phase: 'poll', polled, wallMs: performance.now() - pollStarted, cpuMs: cpuMsSince(cpuStart), ...outcome() });
process.exit(0);

function outcome(): { installed: number; certificates: number; gaveUp: number; peakAttempt: number } {
  const summaries = agents.flatMap((agent) => agent.certificates());
  return {
    installed: summaries.filter((summary) => summary.installed).length,
    certificates: summaries.length,
    gaveUp: summaries.filter(hasGivenUp).length,
    peakAttempt,
  };
}

async function waitUntil(check: () => boolean, timeLimitMs: number): Promise<boolean> {
  const deadline = performance.now() + timeLimitMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    for (const agent of agents) {
      for (const summary of agent.certificates()) peakAttempt = Math.max(peakAttempt, summary.attempt);
    }
    await sleep(100);
  }
  return true;
}
