import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { maxHookOutputBytes, runHook } from '../../../actors/hooks/run-hook.ts';
import { hookInvocation } from '../../../actors/hooks/hook-invocation.ts';
import { hookEnvironment } from '../../../actors/hooks/hook-environment.ts';
import { hookWarning } from '../../../actors/hooks/hook-report.ts';
import { isRunning } from '../../e2e/process-state.ts';

const hooks = suite('hook runner');

let work: string;

hooks.before(async () => {
  work = await mkdtemp(join(tmpdir(), 'kvcert-hook-'));
});

hooks.after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function script(name: string, body: string): Promise<string> {
  const path = join(work, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

hooks('passes arguments without a shell', async () => {
  const command = await script('args.sh', 'for a in "$@"; do echo "[$a]"; done');

  const outcome = await runHook({ command, args: ['two words', '$HOME', '*'], timeoutS: 10 }, { env: {} });

  assert.ok(outcome.succeeded);
  assert.is(outcome.exitCode, 0);
  assert.is(outcome.output, '[two words]\n[$HOME]\n[*]\n');
});

hooks('reports exit code and output of a failure', async () => {
  const command = await script('fail.sh', 'echo "reload failed: bad config" >&2\nexit 3');

  const outcome = await runHook({ command, args: [], timeoutS: 10 }, { env: {} });

  assert.not.ok(outcome.succeeded);
  assert.is(outcome.exitCode, 3);
  assert.is(outcome.timedOut, false);
  assert.is(outcome.output, 'reload failed: bad config\n');
  assert.is(hookWarning({ command, args: [], timeoutS: 10 }, outcome),
    `afterInstall hook ${command} exited with code 3; the certificate stays installed. Output: reload failed: bad config`);
});

hooks('kills the hook and its children on timeout', async () => {
  const pidFile = join(work, 'sleep.pid');
  const command = await script('slow.sh', `sleep 30 &\necho $! > ${pidFile}\necho waiting\nwait`);
  const started = Date.now();

  const outcome = await runHook({ command, args: [], timeoutS: 1 }, { env: {} });

  const elapsedMs = Date.now() - started;
  assert.ok(outcome.timedOut);
  assert.not.ok(outcome.succeeded);
  assert.ok(elapsedMs < 3_500, `took ${elapsedMs} ms`);
  assert.is(outcome.output, 'waiting\n');
  const child = Number(await readFile(pidFile, 'utf8'));
  await sleep(200);
  assert.not.ok(await isRunning(child), `sleep ${child} still runs`);
  assert.match(hookWarning({ command, args: [], timeoutS: 1 }, outcome), /timed out after 1 s and was killed; the certificate stays installed/);
});

hooks('keeps only the first KiB of output', async () => {
  const command = await script('loud.sh', 'i=0; while [ $i -lt 2000 ]; do echo "line $i of output"; i=$((i+1)); done');

  const outcome = await runHook({ command, args: [], timeoutS: 10 }, { env: {} });

  assert.ok(outcome.succeeded);
  assert.ok(outcome.outputTruncated);
  assert.is(Buffer.byteLength(outcome.output), maxHookOutputBytes);
  assert.ok(outcome.output.startsWith('line 0 of output\n'));
});

hooks('reports a program that does not exist', async () => {
  const command = join(work, 'missing-program');

  const outcome = await runHook({ command, args: [], timeoutS: 10 }, { env: {} });

  assert.not.ok(outcome.succeeded);
  assert.is(outcome.exitCode, undefined);
  assert.match(outcome.startError ?? '', /ENOENT/);
  assert.match(hookWarning({ command, args: [], timeoutS: 10 }, outcome), /could not start \(.*ENOENT.*\)/);
});

hooks('environment carries the install facts', async () => {
  const output = join(work, 'env.txt');
  const command = await script('env.sh', `env | grep '^KVCERT_' | sort > ${output}`);
  const env = hookEnvironment({
    certificateUrl: 'https://vault.test/secrets/web', version: 'v2', thumbprint: 'AA11', previousThumbprint: 'BB22',
    storeLocation: 'LocalMachine', storeName: 'My', paths: ['/store/AA11.pem', '/store/AA11.key'],
  }, ':');

  await runHook({ command, args: [], timeoutS: 10 }, { env });

  assert.equal((await readFile(output, 'utf8')).trim().split('\n'), [
    'KVCERT_CERTIFICATE_URL=https://vault.test/secrets/web',
    'KVCERT_PATHS=/store/AA11.pem:/store/AA11.key',
    'KVCERT_PREVIOUS_THUMBPRINT=BB22',
    'KVCERT_STORE_LOCATION=LocalMachine',
    'KVCERT_STORE_NAME=My',
    'KVCERT_THUMBPRINT=AA11',
    'KVCERT_VERSION=v2',
  ]);
});

hooks('ps1 runs through PowerShell on Windows only', () => {
  const hook = { command: 'C:\\scripts\\reload-iis.ps1', args: ['Default Web Site'], timeoutS: 60 };

  assert.equal(hookInvocation(hook, 'win32'), {
    file: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-File', 'C:\\scripts\\reload-iis.ps1', 'Default Web Site'],
  });
  assert.equal(hookInvocation({ command: 'C:\\tools\\reload.exe', args: ['a'], timeoutS: 60 }, 'win32'), { file: 'C:\\tools\\reload.exe', args: ['a'] });
  assert.equal(hookInvocation(hook, 'linux'), { file: 'C:\\scripts\\reload-iis.ps1', args: ['Default Web Site'] });
});

hooks.run();
