import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFile } from 'node:fs/promises';
import { sendControlRequest } from '../../actors/control/control-client.ts';
import type { StatusReport } from '../../machines/status-rollup.ts';
import { startKeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import { pemWithEcKey } from '../../emulators/sample-certificates.ts';
import { startTokenEmulator } from '../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../emulators/token-emulator.ts';
import { AgentProcess, createAgentFiles, eventually, removeAgentFiles } from './agent-process.ts';
import type { AgentFiles } from './agent-process.ts';
import { assertHealthy } from './fault-scenario.ts';
import { recordMeasurement } from './measurements.ts';

const load = suite('agent with 2,000 certificates under throttling');

const certificateCount = 2_000;
/**
 * Key Vault allows 4,000 secret GETs per 10 s per vault, 400 per second on average. The
 * agent with its default concurrency stayed below that rate here. So the test allows a
 * quarter of it, as a vault shared with other clients would: 100 per 1 s window, which means
 * at least 20 windows for the 2,000 GETs.
 */
const rateLimit = { limit: 100, windowMs: 1_000 };
/** `maxConcurrency` of the agent's settings. Unset means the agent's default. */
const maxConcurrency = process.env.KVCERT_LOAD_CONCURRENCY;

let tokens: TokenEmulator;
let vault: KeyVaultEmulator;
let files: AgentFiles;
let agent: AgentProcess | undefined;

load.before(async () => {
  tokens = await startTokenEmulator();
  vault = await startKeyVaultEmulator({ verifyToken: tokens.verifyToken, rateLimit });
  // One PEM value for every name: parsing 2,000 PFX files would take about 50 s here and
  // measure the parser instead of the agent's handling of throttling.
  const sample = await pemWithEcKey('load.kvcert.test');
  const urls: string[] = [];
  for (let index = 0; index < certificateCount; index += 1) {
    const name = `load-${String(index).padStart(4, '0')}`;
    vault.setSecret(name, { value: sample.value, contentType: sample.contentType });
    urls.push(`${vault.url}/secrets/${name}`);
  }
  files = await createAgentFiles(urls, tokens.endpoint, vault.caPem);
  await writeFile(files.settings, JSON.stringify({
    secretsManagementSettings: { observedCertificates: urls, pollingIntervalInS: '3600', ...(maxConcurrency ? { maxConcurrency } : {}) },
    authenticationSettings: { msiEndpoint: tokens.endpoint },
  }));
});

load.after(async () => {
  await agent?.stop();
  await vault.close();
  await tokens.close();
  await removeAgentFiles(files);
});

async function report(): Promise<StatusReport> {
  return (await sendControlRequest(files.control, { command: 'status' })).report as StatusReport;
}

load('converges without giving up on any certificate', async () => {
  const started = Date.now();
  let fetchedMs: number | undefined;
  const fetchWatch = setInterval(() => {
    const fetched = vault.requests.filter((request) => request.authorization && request.status === 200 && request.path.startsWith('/secrets/load-')).length;
    if (fetched >= certificateCount) fetchedMs ??= Date.now() - started;
  }, 250);
  agent = new AgentProcess(files);

  await eventually(async () => (await report()).certificates.filter((item) => item.status === 'success').length === certificateCount,
    `all ${certificateCount} certificates installed`, 120_000, () => agent!.log.slice(-3_000));
  const durationMs = Date.now() - started;
  clearInterval(fetchWatch);

  const final = await report();
  assert.is(final.certificates.length, certificateCount);
  assert.equal(final.certificates.filter((item) => item.status !== 'success'), []);
  const retries = agent.events().filter((event) => event.event === 'certificate.retry_scheduled');
  const maxAttempt = Math.max(0, ...retries.map((event) => event.attempt as number));
  assert.ok(maxAttempt < 25, `a certificate needed ${maxAttempt} retries`);
  assert.not.match(agent.log, /certificate.given_up|InitialSyncFailed/);
  assertHealthy(agent);

  const gets = vault.requests.filter((request) => request.method === 'GET' && request.authorization);
  const throttled = vault.faults.throttled();
  const retriedCertificates = new Set(retries.map((event) => event.certificateUrl)).size;
  await recordMeasurement('load-test', {
    certificates: certificateCount, rateLimit, maxConcurrency: maxConcurrency ?? 'default', durationMs, allFetchedMs: fetchedMs,
    authenticatedGets: gets.length, throttled, retriesScheduled: retries.length, retriedCertificates, maxAttempt,
    tokenRequests: tokens.requests.length,
  });
  assert.ok(throttled > 0, 'the vault never throttled, so the test proves nothing about throttling');
});

load.run();
