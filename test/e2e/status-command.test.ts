import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLab } from '../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../emulators/lab.ts';
import { backoffMs } from '../../machines/backoff.ts';
import type { StatusDocument } from '../../actors/status-command/status-document.ts';
import { repoRoot, runCli } from './cli-runner.ts';

const status = suite('kvcert status');

const pollingIntervalS = 3600;
const dayMs = 86_400_000;

let lab: Lab;
let work: string;
let agent: ChildProcess | undefined;
let agentLog = '';
let agentOutput = '';
let missingUrl: string;
const published: Record<string, PublishedVersion> = {};

const paths = () => ({
  settings: join(work, 'settings.json'), store: join(work, 'store'), status: join(work, 'status'),
  state: join(work, 'state.json'), control: join(work, 'kvcert.sock'), ca: join(work, 'ca.pem'),
});
const agentFlags = () => ['--settings', paths().settings, '--store', 'folder', '--store-root', paths().store,
  '--status-dir', paths().status, '--state-file', paths().state, '--control', paths().control, '--ca-file', paths().ca];
const statusFlags = () => ['--control', paths().control, '--status-dir', paths().status, '--state-file', paths().state];

async function statusJson(): Promise<StatusDocument> {
  const result = await runCli(['status', '--json', ...statusFlags()]);
  assert.is(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as StatusDocument;
}

/** Polls `check` every 200 ms until it returns true, for at most `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  assert.unreachable(`timed out waiting for ${what}; agent log:\n${agentLog}`);
}

function entry(document: StatusDocument, url: string) {
  const found = document.certificates.find((item) => item.url === url);
  assert.ok(found, `no entry for ${url}`);
  return found!;
}

status.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-status-'));
  await writeFile(paths().ca, lab.vault.caPem);
  published.web = await lab.publish('web', 'pkcs12-intermediate');
  published.api = await lab.publish('api', 'pem-ec');
  missingUrl = lab.urlOf('missing');
  await writeFile(paths().settings, JSON.stringify({
    secretsManagementSettings: { pollingIntervalInS: String(pollingIntervalS), observedCertificates: [published.web.url, published.api.url, missingUrl] },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));
  agent = spawn(process.execPath, ['--import', join(repoRoot, 'test/network-guard.ts'), join(repoRoot, 'actors/cli.ts'), 'run', ...agentFlags()], { cwd: repoRoot });
  agent.stderr!.on('data', (chunk) => { agentLog += chunk; });
  agent.stdout!.on('data', (chunk) => { agentOutput += chunk; });
});

status.after(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

status('json from the running agent', async () => {
  let document: StatusDocument | undefined;
  await eventually(async () => {
    document = await statusJson();
    return document.source === 'agent' && document.certificates.filter((item) => item.state === 'idle' && item.version).length === 2;
  }, 'two installed certificates in the agent status');
  const doc = document!;
  const generatedAt = Date.parse(doc.generatedAt);

  assert.is(doc.schemaVersion, 1);
  assert.is(doc.sourceDetail, `control socket ${paths().control}`);
  assert.is(doc.status, 'Ready');
  assert.equal(doc.certificates.map((item) => item.url), [published.web.url, published.api.url, missingUrl]);
  for (const name of ['web', 'api']) {
    const item = entry(doc, published[name].url);
    assert.is(item.status, 'success');
    assert.is(item.version, published[name].version);
    assert.is(item.thumbprint, published[name].thumbprint);
    assert.is(item.daysToExpiry, Math.floor((Date.parse(item.notAfter!) - generatedAt) / dayMs));
    assert.ok(item.daysToExpiry! > 300, `daysToExpiry ${item.daysToExpiry}`);
    assert.ok(Date.parse(item.installedAt!) <= generatedAt);
    const untilPollS = (Date.parse(item.nextPollAt!) - generatedAt) / 1000;
    assert.ok(untilPollS > pollingIntervalS * 0.9 - 60, `next poll in ${untilPollS} s`);
    assert.ok(untilPollS <= pollingIntervalS * 1.1, `next poll in ${untilPollS} s`);
    assert.is(item.consecutiveFailures, 0);
    assert.is(item.lastError, null);
  }
});

status('failing certificate shows error and retry', async () => {
  let missing: ReturnType<typeof entry> | undefined;
  let generatedAt = 0;
  await eventually(async () => {
    const document = await statusJson();
    generatedAt = Date.parse(document.generatedAt);
    missing = entry(document, missingUrl);
    return missing.state === 'errorBackoff';
  }, 'the missing certificate in errorBackoff');

  assert.is(missing!.status, 'error');
  assert.is(missing!.version, null);
  assert.is(missing!.lastError?.reason, 'SecretNotFound');
  assert.match(missing!.lastError!.message, 'Key Vault returned 404 SecretNotFound');
  assert.ok(missing!.consecutiveFailures! >= 1);
  const untilRetryMs = Date.parse(missing!.nextPollAt!) - generatedAt;
  assert.ok(untilRetryMs > -1_000, `retry in ${untilRetryMs} ms`);
  assert.ok(untilRetryMs <= backoffMs(missing!.consecutiveFailures!), `retry in ${untilRetryMs} ms`);
});

status('plain output is a table', async () => {
  const result = await runCli(['status', ...statusFlags()]);

  assert.is(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.is(lines[0], `Source: agent (control socket ${paths().control})`);
  assert.match(lines[1], /^Status: Ready \(Polling; 2 of 3 certificates installed, 1 failing\)$/);
  assert.match(lines[2], /^URL\s+STATE\s+VERSION\s+THUMBPRINT\s+EXPIRES IN\s+NEXT POLL\s+LAST ERROR$/);
  assert.match(lines[3], new RegExp(`^${published.web.url}\\s+idle\\s+${published.web.version}\\s+${published.web.thumbprint}\\s+\\d+ days\\s+in (\\d+h )?\\d+m\\s+-$`));
  assert.match(lines[5], new RegExp(`^${missingUrl}\\s+errorBackoff\\s+-\\s+-\\s+-\\s+\\S.*SecretNotFound: Key Vault`));
});

status('run prints one line per certificate', async () => {
  await eventually(async () => agentOutput.includes('Initial sync finished'), 'the end of the initial sync on stdout');

  const lines = agentOutput.trimEnd().split('\n');
  assert.is(lines.length, 4, agentOutput);
  assert.ok(lines.includes(`installed   ${published.web.url}  version ${published.web.version}  thumbprint ${published.web.thumbprint}`), agentOutput);
  assert.ok(lines.includes(`installed   ${published.api.url}  version ${published.api.version}  thumbprint ${published.api.thumbprint}`), agentOutput);
  assert.ok(lines.some((line) => line.startsWith(`failed      ${missingUrl}  SecretNotFound: `)), agentOutput);
  assert.is(lines[3], 'Initial sync finished: 3 certificates, 2 installed, 0 up to date, 1 failed');
  assert.not.match(agentOutput, /[\r\u001b]/);
});

status('json from files after the agent stopped', async () => {
  const exited = new Promise<number | null>((resolve) => agent!.once('exit', (code) => resolve(code)));
  agent!.kill('SIGTERM');
  assert.is(await exited, 0);

  const document = await statusJson();

  assert.is(document.source, 'files');
  assert.is(document.sourceDetail, `no agent is running at ${paths().control}; read ${join(paths().status, '0.status')} and ${paths().state}`);
  assert.is(document.status, 'Ready');
  assert.ok(document.updatedAt !== null);
  assert.ok(Date.parse(document.updatedAt!) <= Date.parse(document.generatedAt));
  const web = entry(document, published.web.url);
  assert.is(web.status, 'success');
  assert.is(web.state, null);
  assert.is(web.version, published.web.version);
  assert.is(web.thumbprint, published.web.thumbprint);
  assert.ok(web.daysToExpiry! > 300);
  assert.ok(web.installedAt !== null);
  assert.is(web.nextPollAt, null);
  const missing = entry(document, missingUrl);
  assert.is(missing.status, 'error');
  assert.is(missing.lastError?.reason, null);
  assert.match(missing.lastError!.message, 'SecretNotFound');
});

status('without agent or files explains', async () => {
  const result = await runCli(['status', '--control', join(work, 'none.sock'), '--status-dir', join(work, 'none'), '--state-file', join(work, 'none.json')]);

  assert.is(result.code, 1);
  assert.is(result.stdout, '');
  assert.match(result.stderr, `kvcert status: no agent is running at ${join(work, 'none.sock')}, and there is no status file in ${join(work, 'none')}`);
});

status.run();
