import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../actors/agent.ts';
import { silentLogger } from '../../actors/logger.ts';
import { validateSettings } from '../../actors/settings/validate-settings.ts';
import { parseSecretValue } from '../../adapters/bundle/parse-secret.ts';
import { FolderCertificateStore } from '../../adapters/folder-store/folder-store.ts';
import { ManagedIdentityTokenCredential } from '../../adapters/imds/managed-identity-credential.ts';
import { KeyVaultSecretSource } from '../../adapters/keyvault/keyvault-secret-source.ts';
import { startLab } from '../../emulators/lab.ts';
import type { Lab } from '../../emulators/lab.ts';
import { eventually } from './agent-process.ts';

const requestTimeout = suite('agent under a vault that never answers');

let lab: Lab;
let work: string;
let agent: Agent | undefined;

const timeoutMs = 1_500;

requestTimeout.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-timeout-'));
});

requestTimeout.after(async () => {
  await agent?.stop(5_000);
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

/** Starts an agent like the one `kvcert run` builds, with a short time limit per Key Vault call and no listing. */
function startAgent(url: string): Agent {
  const { settings } = validateSettings({
    secretsManagementSettings: { observedCertificates: [url], pollingIntervalInS: '3600' },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }, 'test');
  const credential = new ManagedIdentityTokenCredential({ endpoint: settings.msiEndpoint });
  const source = new KeyVaultSecretSource({ credential, trustedCaPem: lab.vault.caPem, requestTimeoutMs: timeoutMs });
  const store = new FolderCertificateStore(join(work, 'store'));
  const started = new Agent({ settings, source, store, parseSecret: parseSecretValue, logger: silentLogger });
  started.start();
  return started;
}

requestTimeout('stalled GET times out, keeps version, recovers', async () => {
  const first = await lab.publish('web', 'pkcs12-intermediate');
  agent = startAgent(first.url);
  await agent.settled(30_000);
  const renewal = await lab.publish('web', 'pkcs12-intermediate');
  lab.vault.faults.requests.inject({ kind: 'delay', delayMs: 600_000 });

  const started = Date.now();
  agent.pollNow();
  await eventually(() => agent!.certificates()[0].lastError !== undefined, 'the time limit to end the fetch', 20_000);
  const failedAfterMs = Date.now() - started;

  const [summary] = agent.certificates();
  assert.is(summary.lastError?.reason, 'NetworkError');
  assert.match(summary.lastError!.message, /Key Vault did not respond for .* within 2 s/);
  assert.is(summary.installed?.version, first.version);
  assert.ok(failedAfterMs >= timeoutMs, `failed after ${failedAfterMs} ms`);

  lab.vault.faults.requests.clear();
  const mended = Date.now();
  agent.pollNow();
  await eventually(() => agent!.certificates()[0].installed?.version === renewal.version, 'the renewal to install', 20_000);

  assert.is(agent.certificates()[0].lastError, undefined);
  console.log(JSON.stringify({ reason: summary.lastError?.reason, errorMs: failedAfterMs, recoveryMs: Date.now() - mended }));
});

requestTimeout.run();
