import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLab } from '../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../emulators/lab.ts';
import { repoRoot, runCli } from './cli-runner.ts';

const runProcess = suite('kvcert run process');

let lab: Lab;
let work: string;
let agent: ChildProcess | undefined;
let agentLog = '';
const published: Record<string, PublishedVersion> = {};

const paths = () => ({
  settings: join(work, 'settings.json'), store: join(work, 'store'), status: join(work, 'status'),
  state: join(work, 'state.json'), control: join(work, 'kvcert.sock'), ca: join(work, 'ca.pem'),
});
const agentFlags = () => ['--settings', paths().settings, '--store', 'folder', '--store-root', paths().store,
  '--status-dir', paths().status, '--state-file', paths().state, '--control', paths().control, '--ca-file', paths().ca];

async function writeSettings(urls: string[]): Promise<void> {
  await writeFile(paths().settings, JSON.stringify({
    secretsManagementSettings: { observedCertificates: urls },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));
}

/** Polls `check` every 100 ms until it returns true, for at most `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  assert.unreachable(`timed out waiting for ${what}; agent log:\n${agentLog}`);
}

async function substatus(): Promise<Array<{ name: string; status: string }>> {
  return JSON.parse(await readFile(join(paths().status, '0.status'), 'utf8'))[0].status.substatus;
}

runProcess.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-run-'));
  await writeFile(paths().ca, lab.vault.caPem);
  published.web = await lab.publish('web', 'pkcs12-intermediate');
  published.api = await lab.publish('api', 'pem-ec');
  await writeSettings([published.web.url, published.api.url]);
});

runProcess.after(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

runProcess('run installs and reports success', async () => {
  agent = spawn(process.execPath, ['--import', join(repoRoot, 'test/network-guard.ts'), join(repoRoot, 'actors/cli.ts'), 'run', ...agentFlags()], { cwd: repoRoot });
  agent.stderr!.on('data', (chunk) => { agentLog += chunk; });

  await eventually(async () => (await substatus()).every((item) => item.status === 'success') && (await substatus()).length === 2, 'success in 0.status');

  const files = await readdir(join(paths().store, 'LocalMachine', 'My'));
  assert.ok(files.includes(`${published.web.thumbprint}.pem`));
});

runProcess('sync --now makes the agent poll at once', async () => {
  const renewal = await lab.publish('web', 'pkcs12-intermediate');

  const result = await runCli(['sync', '--now', '--control', paths().control]);

  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /Polling 2 certificates now/);
  await eventually(async () => (await readdir(join(paths().store, 'LocalMachine', 'My'))).includes(`${renewal.thumbprint}.pem`), 'the renewal');
});

runProcess('SIGHUP reloads only changed certificates', async () => {
  published.mail = await lab.publish('mail', 'pkcs12-root');
  await writeSettings([published.api.url, published.mail.url]);
  const apiRequestsBefore = lab.vault.requests.filter((request) => request.path.startsWith('/secrets/api')).length;

  agent!.kill('SIGHUP');

  await eventually(async () => {
    const items = await substatus();
    return items.map((item) => item.name).join() === [published.api.url, published.mail.url].join() && items.every((item) => item.status === 'success');
  }, 'the reloaded settings in 0.status');
  const apiRequestsAfter = lab.vault.requests.filter((request) => request.path.startsWith('/secrets/api')).length;
  assert.is(apiRequestsAfter, apiRequestsBefore);
});

runProcess('SIGTERM stops the agent cleanly', async () => {
  const exited = new Promise<number | null>((resolve) => agent!.once('exit', (code) => resolve(code)));

  agent!.kill('SIGTERM');

  assert.is(await exited, 0);
  assert.match(agentLog, /"event":"agent.stopped"/);
});

runProcess('sync --now without an agent explains', async () => {
  const result = await runCli(['sync', '--now', '--control', paths().control]);

  assert.is(result.code, 1);
  assert.match(result.stderr, /No kvcert agent is running at/);
});

runProcess('restart costs one GET per certificate and no install', async () => {
  const requestsBefore = lab.vault.requests.length;

  const result = await runCli(['sync', ...agentFlags(), '--log-level', 'info']);

  assert.is(result.code, 0, result.stderr);
  const requests = lab.vault.requests.slice(requestsBefore);
  const gets = requests.filter((request) => request.method === 'GET' && request.authorization);
  assert.is(gets.length, 2);
  assert.equal(gets.map((request) => request.path.split('/')[2]).sort(), ['api', 'mail']);
  assert.not.match(result.stderr, /"event":"certificate.installed"/);
  assert.match(result.stdout, /Status: Ready/);
});

runProcess.run();
