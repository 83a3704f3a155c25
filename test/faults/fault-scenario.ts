// One fault against a running agent: publish a renewal, break the vault, check that the
// agent stays up, backs off, reports the reason and keeps the installed version, then mend
// the vault and check that the renewal installs.
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { sendControlRequest } from '../../actors/control/control-client.ts';
import type { StatusReport } from '../../machines/status-rollup.ts';
import { crashMarkers, eventually } from './agent-process.ts';
import type { AgentProcess } from './agent-process.ts';
import { holdsPair, inspectStoreFolder } from './store-check.ts';

export interface InstalledCertificate {
  version: string;
  thumbprint: string;
}

/** The agent under test and the one certificate the scenarios watch. */
export interface FaultHarness {
  agent: AgentProcess;
  url: string;
  /** The version installed now. Each scenario moves it to its renewal. */
  installed: InstalledCertificate;
  publishRenewal(): Promise<InstalledCertificate>;
}

export interface FaultCase {
  inject(): Promise<void> | void;
  clear(): Promise<void> | void;
  /** The reason the agent reports (`certificates[].reason` of its status). */
  reason: string;
  /** Pattern that the certificate's substatus message must match while the fault lasts. */
  message: RegExp;
  /**
   * Check for faults that take effect only from the second poll on, such as bad tokens fetched
   * in the background while the cached one still works. It returns true once the fault was applied.
   */
  armed?: () => boolean;
}

const waitMs = 30_000;

/** Runs `fault` against the harness and returns how long the error took to show and to clear, in ms. */
export async function runFaultCase(harness: FaultHarness, fault: FaultCase): Promise<{ errorMs: number; recoveryMs: number }> {
  const before = harness.installed;
  let broken: { renewal: InstalledCertificate; errorMs: number; logStart: number };
  try {
    broken = await breakVault(harness, fault, before);
  } finally {
    // A failed check must not leave the fault in place for the next scenario.
    await fault.clear();
  }

  const { renewal, errorMs, logStart } = broken;
  const { agent, url } = harness;
  const mended = Date.now();
  await agent.syncNow();
  await eventually(async () => (await agent.substatusOf(url))?.formattedMessage.message.includes(`version ${renewal.version} installed`) ?? false,
    'the renewal to install', waitMs, () => agent.log.slice(logStart));
  const recoveryMs = Date.now() - mended;

  await assertInstalled(harness, renewal);
  harness.installed = renewal;
  // One line per scenario for docs/reliability.md. The test runner shows it only when a file fails.
  console.log(JSON.stringify({ reason: fault.reason, message: String(fault.message), errorMs, recoveryMs }));
  return { errorMs, recoveryMs };
}

/**
 * Injects the fault, publishes a renewal and checks what the agent reports. Returns the
 * renewal, the time to the error in ms, and where the agent's log for this scenario starts.
 */
async function breakVault(harness: FaultHarness, fault: FaultCase, before: InstalledCertificate):
  Promise<{ renewal: InstalledCertificate; errorMs: number; logStart: number }> {
  const agentBefore = harness.agent;
  const lengthBefore = agentBefore.log.length;
  await fault.inject();
  if (fault.armed) await warmUp(harness, fault.armed);

  // A fault that restarts the agent leaves a new process whose whole log belongs to this scenario.
  const { agent, url } = harness;
  const logStart = agent === agentBefore ? lengthBefore : 0;
  const renewal = await harness.publishRenewal();
  const started = Date.now();
  await agent.syncNow();
  await eventually(async () => (await agent.substatusOf(url))?.status === 'error', 'an error substatus', waitMs, () => agent.log.slice(logStart));
  const errorMs = Date.now() - started;

  await assertFaultReported(harness, fault, before, logStart);
  await assertVersionKept(harness, before, renewal);
  return { renewal, errorMs, logStart };
}

async function warmUp(harness: FaultHarness, armed: () => boolean): Promise<void> {
  await harness.agent.syncNow();
  await eventually(armed, 'the fault to be applied once', waitMs, () => harness.agent.log);
  await eventually(async () => (await harness.agent.substatusOf(harness.url))?.status !== undefined, 'a status', waitMs);
}

async function assertFaultReported(harness: FaultHarness, fault: FaultCase, before: InstalledCertificate, logStart: number): Promise<void> {
  const { agent, url } = harness;
  const substatus = await agent.substatusOf(url);
  assert.match(substatus!.formattedMessage.message, fault.message);
  assert.ok(substatus!.formattedMessage.message.includes(`version ${before.version} stays installed`), substatus!.formattedMessage.message);

  const response = await sendControlRequest(agent.files.control, { command: 'status' });
  const report = response.report as StatusReport;
  assert.is(report.certificates.find((certificate) => certificate.url === url)?.reason, fault.reason);

  const retries = agent.events(logStart).filter((event) => event.event === 'certificate.retry_scheduled' && event.certificateUrl === url);
  const retry = retries.at(-1);
  assert.ok(retry, `no certificate.retry_scheduled in the log:\n${agent.log.slice(logStart)}`);
  assert.is(retry!.reason, fault.reason);
  assert.ok((retry!.delayMs as number) >= 1_000, `retry delay ${String(retry!.delayMs)} ms`);
  assertHealthy(agent);
}

async function assertVersionKept(harness: FaultHarness, before: InstalledCertificate, renewal: InstalledCertificate): Promise<void> {
  const store = await inspectStoreFolder(join(harness.agent.files.store, 'LocalMachine', 'My'));
  assert.equal(store.problems, []);
  assert.ok(holdsPair(store, before.thumbprint), `the installed ${before.thumbprint} is not whole`);
  assert.not.ok(store.certificates.has(renewal.thumbprint), 'the renewal was installed during the fault');
  assert.is(await stateVersion(harness), before.version);
}

async function assertInstalled(harness: FaultHarness, renewal: InstalledCertificate): Promise<void> {
  const store = await inspectStoreFolder(join(harness.agent.files.store, 'LocalMachine', 'My'));
  assert.ok(holdsPair(store, renewal.thumbprint), `the renewal ${renewal.thumbprint} is not whole`);
  await eventually(async () => (await stateVersion(harness)) === renewal.version, 'the state file to name the renewal', waitMs);
  assertHealthy(harness.agent);
}

async function stateVersion(harness: FaultHarness): Promise<string | undefined> {
  const state = JSON.parse(await readFile(harness.agent.files.state, 'utf8')) as { certificates: Record<string, { version: string }> };
  return state.certificates[harness.url]?.version;
}

/** Fails when the agent exited or logged a lost error. */
export function assertHealthy(agent: AgentProcess): void {
  assert.ok(agent.alive(), `the agent exited with ${agent.exitCode}:\n${agent.log}`);
  assert.not.match(agent.log, crashMarkers);
}
