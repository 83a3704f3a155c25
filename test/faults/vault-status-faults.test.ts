import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFaultLab } from './fault-harness.ts';
import type { FaultLab } from './fault-harness.ts';
import { assertHealthy, runFaultCase } from './fault-scenario.ts';
import type { FaultCase } from './fault-scenario.ts';

const statusFaults = suite('agent under vault error statuses');

let lab: FaultLab;

statusFaults.before(async () => {
  lab = await startFaultLab();
});

statusFaults.after(async () => {
  await lab.close();
});

function statusCase(status: number, reason: string, message: RegExp, headers?: Record<string, string>): FaultCase {
  return {
    inject: () => lab.vault.faults.requests.inject({ kind: 'status', status, headers }),
    clear: () => lab.vault.faults.requests.clear(),
    reason,
    message,
  };
}

statusFaults('500 keeps version, then recovers', async () => {
  await runFaultCase(lab.harness, statusCase(500, 'ServiceUnavailable', /Key Vault returned 500 InternalServerError/));
});

statusFaults('503 keeps version, then recovers', async () => {
  await runFaultCase(lab.harness, statusCase(503, 'ServiceUnavailable', /Key Vault returned 503 ServiceUnavailable/));
});

statusFaults('429 with Retry-After keeps version, then recovers', async () => {
  await runFaultCase(lab.harness, statusCase(429, 'Throttled', /Key Vault returned 429 Throttled.*Retry-After asks for 1 s/, { 'retry-after': '1' }));
});

statusFaults('403 keeps version, then recovers', async () => {
  await runFaultCase(lab.harness, statusCase(403, 'AccessDenied', /Key Vault returned 403 AccessDenied.*Grant the VM identity 'get' on secrets/));
});

statusFaults('404 keeps version, then recovers', async () => {
  await runFaultCase(lab.harness, statusCase(404, 'SecretNotFound', /Key Vault returned 404 SecretNotFound/));
});

statusFaults('agent stops cleanly after the faults', async () => {
  assertHealthy(lab.harness.agent);

  const code = await lab.harness.agent.stop();

  assert.is(code, 0);
  assert.match(lab.harness.agent.log, /"event":"agent.stopped"/);
});

statusFaults.run();
