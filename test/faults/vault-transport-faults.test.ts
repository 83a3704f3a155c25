import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from './agent-process.ts';
import { startFaultLab } from './fault-harness.ts';
import type { FaultLab } from './fault-harness.ts';
import { assertHealthy, runFaultCase } from './fault-scenario.ts';
import type { FaultCase } from './fault-scenario.ts';
import type { VaultFault } from '../../emulators/faults/vault-fault.ts';
import { findSecrets } from './secret-scan.ts';

const transportFaults = suite('agent under broken vault responses');

let lab: FaultLab;

transportFaults.before(async () => {
  lab = await startFaultLab();
});

transportFaults.after(async () => {
  await lab.close();
});

function responseCase(fault: VaultFault, reason: string, message: RegExp): FaultCase {
  return {
    inject: () => lab.vault.faults.requests.inject(fault),
    clear: () => lab.vault.faults.requests.clear(),
    reason,
    message,
  };
}

async function assertNoSecretInOutput(): Promise<void> {
  const secrets = lab.publishedValues.map((value, index) => ({ label: `published value ${index}`, value }));
  const statusText = await readFile(join(lab.harness.agent.files.status, '0.status'), 'utf8');
  assert.equal(findSecrets(lab.harness.agent.log, secrets, 'agent log'), []);
  assert.equal(findSecrets(statusText, secrets, 'status file'), []);
}

/** Publishes a renewal under `fault` and returns how long it took to install. */
async function installUnder(fault: VaultFault): Promise<number> {
  const { agent, url } = lab.harness;
  const renewal = await lab.harness.publishRenewal();
  lab.vault.faults.requests.inject(fault);
  const logStart = agent.log.length;
  const started = Date.now();

  try {
    await agent.syncNow();
    await eventually(async () => (await agent.substatusOf(url))?.formattedMessage.message.includes(`version ${renewal.version} installed`) ?? false,
      'the renewal to install', 30_000, () => agent.log.slice(logStart));
  } finally {
    lab.vault.faults.requests.clear();
  }
  const elapsedMs = Date.now() - started;

  lab.harness.installed = renewal;
  assert.not.match(agent.log.slice(logStart), /certificate.retry_scheduled/);
  assertHealthy(agent);
  console.log(JSON.stringify({ fault: fault.kind, installedAfterMs: elapsedMs }));
  return elapsedMs;
}

transportFaults('dropped connection keeps version, then recovers', async () => {
  await runFaultCase(lab.harness, responseCase({ kind: 'drop' }, 'NetworkError',
    /The connection to Key Vault closed before the whole response for .* arrived/));
});

transportFaults('truncated body keeps version and leaks nothing', async () => {
  await runFaultCase(lab.harness, responseCase({ kind: 'truncated-body' }, 'InvalidResponse',
    /Key Vault returned 200 for .* with a body that is cut off or not JSON \(content type application\/json; charset=utf-8\)/));

  await assertNoSecretInOutput();
});

transportFaults('HTML body keeps version, then recovers', async () => {
  await runFaultCase(lab.harness, responseCase({ kind: 'non-json-body' }, 'InvalidResponse',
    /Key Vault returned 200 for .* with a body that is cut off or not JSON/));
});

transportFaults('wrong content type still installs', async () => {
  const elapsedMs = await installUnder({ kind: 'content-type', contentType: 'text/html' });

  assert.ok(elapsedMs < 30_000);
  assert.ok((lab.vault.faults.requests.applied['content-type'] ?? 0) >= 1);
});

transportFaults('slow vault installs after the delay', async () => {
  const elapsedMs = await installUnder({ kind: 'delay', delayMs: 3_000 });

  assert.ok(elapsedMs >= 3_000, `installed after ${elapsedMs} ms`);
});

transportFaults('agent stops cleanly after the faults', async () => {
  assertHealthy(lab.harness.agent);

  assert.is(await lab.harness.agent.stop(), 0);
  await assertNoSecretInOutput();
});

transportFaults.run();
