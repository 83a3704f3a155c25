import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../emulators/lab.ts';
import { runCli } from './cli-runner.ts';
import type { CliResult } from './cli-runner.ts';
import { isRunning } from './process-state.ts';

const hooks = suite('afterInstall hooks in kvcert sync');

let lab: Lab;
let work: string;
let first: CliResult;
const published: Record<string, PublishedVersion> = {};

const paths = () => ({
  settings: join(work, 'settings.json'), store: join(work, 'store'), status: join(work, 'status'),
  state: join(work, 'state.json'), ca: join(work, 'ca.pem'), webEnv: join(work, 'web-env.txt'), sleepPid: join(work, 'sleep.pid'),
});
const syncArgs = () => ['sync', '--settings', paths().settings, '--store', 'folder', '--store-root', paths().store,
  '--status-dir', paths().status, '--state-file', paths().state, '--ca-file', paths().ca];

async function script(name: string, body: string): Promise<string> {
  const path = join(work, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

interface LogLine { event: string; certificateUrl?: string; exitCode?: number; timedOut?: boolean; durationMs?: number; output?: string }

function logLines(result: CliResult): LogLine[] {
  return result.stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
}

async function substatus(url: string): Promise<{ status: string; formattedMessage: { message: string } }> {
  const document = JSON.parse(await readFile(join(paths().status, '0.status'), 'utf8'));
  return document[0].status.substatus.find((item: { name: string }) => item.name === url);
}

async function envOf(): Promise<Array<Record<string, string>>> {
  const text = await readFile(paths().webEnv, 'utf8');
  return text.trim().split('\n---\n').map((block) => Object.fromEntries(block.split('\n').map((line) => {
    const at = line.indexOf('=');
    return [line.slice(0, at), line.slice(at + 1)];
  })));
}

hooks.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-hooks-'));
  await writeFile(paths().ca, lab.vault.caPem);
  published.web = await lab.publish('web', 'pkcs12-intermediate');
  published.api = await lab.publish('api', 'pem-ec');
  published.mail = await lab.publish('mail', 'pkcs12-root');

  const record = await script('record-env.sh', `env | grep '^KVCERT_' | sort >> ${paths().webEnv}\necho --- >> ${paths().webEnv}\necho recorded`);
  const fail = await script('fail.sh', 'echo "nginx: configuration file test failed" >&2\nexit 3');
  const slow = await script('slow.sh', `sleep 30 &\necho $! > ${paths().sleepPid}\nwait`);
  await writeFile(paths().settings, JSON.stringify({
    secretsManagementSettings: {
      hooks: { afterInstall: { command: fail } },
      observedCertificates: [
        { url: published.web.url, hooks: { afterInstall: { command: record, args: [] } } },
        { url: published.api.url },
        { url: published.mail.url, hooks: { afterInstall: { command: slow, timeoutS: 1 } } },
      ],
    },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));

  first = await runCli(syncArgs());
});

hooks.after(async () => {
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

hooks('hook receives the install facts', async () => {
  assert.is(first.code, 0, first.stderr);
  const [env] = await envOf();

  assert.is(env.KVCERT_CERTIFICATE_URL, published.web.url);
  assert.is(env.KVCERT_VERSION, published.web.version);
  assert.is(env.KVCERT_THUMBPRINT, published.web.thumbprint);
  assert.is(env.KVCERT_PREVIOUS_THUMBPRINT, '');
  assert.is(env.KVCERT_STORE_LOCATION, 'LocalMachine');
  assert.is(env.KVCERT_STORE_NAME, 'MY');
  const folder = join(paths().store, 'LocalMachine', 'My');
  assert.is(env.KVCERT_PATHS, [join(folder, `${published.web.thumbprint}.pem`), join(folder, `${published.web.thumbprint}.key`)].join(':'));
  const finished = logLines(first).find((line) => line.event === 'hook.finished' && line.certificateUrl === published.web.url);
  assert.is(finished?.exitCode, 0);
  assert.is(finished?.output, 'recorded\n');
});

hooks('sync prints one line per certificate', () => {
  const lines = first.stdout.split('\n');

  for (const item of [published.web, published.api, published.mail]) {
    assert.ok(lines.includes(`installed   ${item.url}  version ${item.version}  thumbprint ${item.thumbprint}`), first.stdout);
  }
  assert.is(lines[3], 'Initial sync finished: 3 certificates, 3 installed, 0 up to date, 0 failed');
  assert.match(lines[4], /^Status: Ready/);
});

hooks('failing hook keeps the install and warns', async () => {
  const item = await substatus(published.api.url);

  assert.is(item.status, 'success');
  assert.match(item.formattedMessage.message, `version ${published.api.version} installed`);
  assert.match(item.formattedMessage.message, /warnings: afterInstall hook \S+fail\.sh exited with code 3; the certificate stays installed\. Output: nginx: configuration file test failed/);
  const files = await readdir(join(paths().store, 'LocalMachine', 'My'));
  assert.ok(files.includes(`${published.api.thumbprint}.pem`));
  const failed = logLines(first).find((line) => line.event === 'hook.failed' && line.certificateUrl === published.api.url);
  assert.is(failed?.exitCode, 3);
  assert.is(failed?.output, 'nginx: configuration file test failed\n');
});

hooks('slow hook is killed at its timeout', async () => {
  const item = await substatus(published.mail.url);
  const failed = logLines(first).find((line) => line.event === 'hook.failed' && line.certificateUrl === published.mail.url);

  assert.is(item.status, 'success');
  assert.match(item.formattedMessage.message, /afterInstall hook \S+slow\.sh timed out after 1 s and was killed/);
  assert.is(failed?.timedOut, true);
  assert.ok(failed!.durationMs! >= 1_000, `durationMs ${failed?.durationMs}`);
  assert.ok(failed!.durationMs! < 3_500, `durationMs ${failed?.durationMs}`);
  const sleeper = Number(await readFile(paths().sleepPid, 'utf8'));
  assert.not.ok(await isRunning(sleeper), `sleep ${sleeper} still runs`);
  const files = await readdir(join(paths().store, 'LocalMachine', 'My'));
  assert.ok(files.includes(`${published.mail.thumbprint}.pem`));
});

hooks('unchanged poll runs no hook', async () => {
  const again = await runCli(syncArgs());

  assert.is(again.code, 0, again.stderr);
  assert.is((await envOf()).length, 1);
  assert.not.match(again.stderr, /"event":"hook\./);
});

hooks('renewal passes the previous thumbprint', async () => {
  const renewal = await lab.publish('web', 'pkcs12-intermediate');

  const result = await runCli(syncArgs());

  assert.is(result.code, 0, result.stderr);
  const runs = await envOf();
  assert.is(runs.length, 2);
  assert.is(runs[1].KVCERT_THUMBPRINT, renewal.thumbprint);
  assert.is(runs[1].KVCERT_VERSION, renewal.version);
  assert.is(runs[1].KVCERT_PREVIOUS_THUMBPRINT, published.web.thumbprint);
});

hooks.run();
