import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PrometheusFamily } from 'parse-prometheus-text-format';
import { startLab } from '../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../emulators/lab.ts';
import type { StatusDocument } from '../../actors/status-command/status-document.ts';
import { repoRoot, runCli } from './cli-runner.ts';

const metrics = suite('kvcert run --metrics');

let lab: Lab;
let work: string;
let agent: ChildProcess | undefined;
let agentLog = '';
let startedAtS = 0;
let missingUrl: string;
let web: PublishedVersion;

const paths = () => ({
  settings: join(work, 'settings.json'), store: join(work, 'store'), status: join(work, 'status'),
  state: join(work, 'state.json'), control: join(work, 'kvcert.sock'), ca: join(work, 'ca.pem'),
});

/** Polls `check` every 200 ms until it returns true, for at most `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  assert.unreachable(`timed out waiting for ${what}; agent log:\n${agentLog}`);
}

function metricsAddress(): string | undefined {
  return /"event":"metrics.listening","address":"([^"]+)"/.exec(agentLog)?.[1];
}

async function scrape(): Promise<Map<string, PrometheusFamily>> {
  const response = await fetch(metricsAddress()!);
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return new Map(parsePrometheusTextFormat(await response.text()).map((family) => [family.name, family]));
}

function sample(families: Map<string, PrometheusFamily>, name: string, labels: Record<string, string>): number | undefined {
  const found = families.get(name)?.metrics.find((item) => Object.entries(labels).every(([key, value]) => item.labels?.[key] === value));
  return found === undefined ? undefined : Number(found.value);
}

metrics.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-metrics-'));
  await writeFile(paths().ca, lab.vault.caPem);
  web = await lab.publish('web', 'pkcs12-intermediate');
  missingUrl = lab.urlOf('missing');
  await writeFile(paths().settings, JSON.stringify({
    secretsManagementSettings: { requireInitialSync: true, observedCertificates: [web.url, missingUrl] },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));
  startedAtS = Date.now() / 1000;
  agent = spawn(process.execPath, ['--import', join(repoRoot, 'test/network-guard.ts'), join(repoRoot, 'actors/cli.ts'), 'run',
    '--settings', paths().settings, '--store', 'folder', '--store-root', paths().store, '--status-dir', paths().status,
    '--state-file', paths().state, '--control', paths().control, '--ca-file', paths().ca, '--metrics', '0'], { cwd: repoRoot });
  agent.stderr!.on('data', (chunk) => { agentLog += chunk; });
  await eventually(async () => metricsAddress() !== undefined, 'the metrics.listening log line');
});

metrics.after(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

metrics('listens on 127.0.0.1 only', () => {
  assert.match(metricsAddress()!, /^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
});

metrics('every family has HELP and TYPE gauge', async () => {
  await eventually(async () => sample(await scrape(), 'kvcert_certificate_expiry_timestamp_seconds', { url: web.url }) !== undefined, 'the expiry metric');

  const families = await scrape();

  assert.equal([...families.keys()].sort(), [
    'kvcert_certificate_consecutive_failures', 'kvcert_certificate_expiry_timestamp_seconds', 'kvcert_certificate_installed_version_age_seconds',
    'kvcert_certificate_last_success_timestamp_seconds', 'kvcert_status',
  ]);
  for (const family of families.values()) {
    assert.is(family.type, 'GAUGE', family.name);
    assert.ok(family.help.length > 20, `${family.name} help: ${family.help}`);
  }
});

metrics('values match the agent status', async () => {
  await eventually(async () => (sample(await scrape(), 'kvcert_certificate_consecutive_failures', { url: missingUrl }) ?? 0) >= 1, 'a failure of the missing certificate');
  const families = await scrape();
  const nowS = Date.now() / 1000;
  const status = JSON.parse((await runCli(['status', '--json', '--control', paths().control])).stdout) as StatusDocument;
  const webStatus = status.certificates.find((item) => item.url === web.url)!;

  assert.is(sample(families, 'kvcert_certificate_expiry_timestamp_seconds', { url: web.url }), Date.parse(webStatus.notAfter!) / 1000);
  assert.is(sample(families, 'kvcert_certificate_expiry_timestamp_seconds', { url: missingUrl }), undefined);
  const ageS = sample(families, 'kvcert_certificate_installed_version_age_seconds', { url: web.url })!;
  const installedAtS = Date.parse(webStatus.installedAt!) / 1000;
  assert.ok(ageS >= 0, `age ${ageS} s`);
  assert.ok(ageS <= nowS - installedAtS + 1, `age ${ageS} s, installed ${nowS - installedAtS} s ago`);
  const lastSuccessS = sample(families, 'kvcert_certificate_last_success_timestamp_seconds', { url: web.url })!;
  assert.ok(lastSuccessS >= startedAtS, `last success ${lastSuccessS}, started ${startedAtS}`);
  assert.ok(lastSuccessS <= nowS, `last success ${lastSuccessS}, now ${nowS}`);
  assert.is(sample(families, 'kvcert_certificate_last_success_timestamp_seconds', { url: missingUrl }), undefined);
  assert.is(sample(families, 'kvcert_certificate_consecutive_failures', { url: web.url }), 0);
  assert.ok(sample(families, 'kvcert_certificate_consecutive_failures', { url: missingUrl })! >= 1);
});

metrics('status gauge marks the current status', async () => {
  const families = await scrape();

  assert.is(sample(families, 'kvcert_status', { status: 'Transitioning' }), 1);
  assert.is(sample(families, 'kvcert_status', { status: 'Ready' }), 0);
  assert.is(sample(families, 'kvcert_status', { status: 'Error' }), 0);
});

metrics('other paths and methods rejected', async () => {
  const base = metricsAddress()!;

  assert.is((await fetch(base.replace(/\/metrics$/, '/'))).status, 404);
  assert.is((await fetch(base, { method: 'POST' })).status, 405);
});

metrics.run();
