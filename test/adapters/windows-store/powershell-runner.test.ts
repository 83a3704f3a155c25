// How the adapter turns what PowerShell did into results and StoreErrors. Stand-in executables
// (small sh scripts written at test time) play PowerShell, so these tests need no PowerShell but
// do need a POSIX shell: they are skipped on Windows.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { StoreError, type StoreTarget } from '../../../adapters/store.ts';
import { defaultPowerShell, runStoreScript, type ScriptCall } from '../../../adapters/windows-store/powershell-runner.ts';
import { WindowsCertificateStore } from '../../../adapters/windows-store/windows-store.ts';
import { createTestChain } from './test-chain.ts';

const folder = mkdtempSync(join(tmpdir(), 'kvcert-runner-'));
const call: ScriptCall = { step: 'install', certificateUrl: 'https://kvcert-test.vault.azure.net/secrets/web/v1', action: 'Installing web' };
const target: StoreTarget = { location: 'CurrentUser', name: 'My' };
const context = { certificateUrl: call.certificateUrl, version: 'v1', keyExportable: false };

/** Writes an executable sh script that reads stdin and then runs `body`. */
function standIn(name: string, body: string): string {
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\ncat > /dev/null\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function failureOf(promise: Promise<unknown>): Promise<StoreError> {
  const failure = await promise.then(() => undefined, (error: unknown) => error);
  assert.instance(failure, StoreError);
  return failure as StoreError;
}

const runner = suite('powershell runner');
const posix = process.platform === 'win32' ? runner.skip : runner;

runner.after(() => rmSync(folder, { recursive: true, force: true }));

runner('default executable is pwsh outside Windows', () => {
  assert.is(defaultPowerShell({}, 'linux'), 'pwsh');
  assert.is(defaultPowerShell({}, 'darwin'), 'pwsh');
});

runner('default executable on Windows is PowerShell 5.1', () => {
  assert.is(defaultPowerShell({ SystemRoot: 'D:\\Windows' }, 'win32'), 'D:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  assert.is(defaultPowerShell({}, 'win32'), 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
});

runner('KVCERT_POWERSHELL overrides the default', () => {
  assert.is(defaultPowerShell({ KVCERT_POWERSHELL: '/opt/pwsh/pwsh' }, 'win32'), '/opt/pwsh/pwsh');
  assert.is(defaultPowerShell({ KVCERT_POWERSHELL: '/opt/pwsh/pwsh' }, 'linux'), '/opt/pwsh/pwsh');
});

posix('result line after other output is returned', async () => {
  const powershell = standIn('ok.sh', 'echo "WARNING: something"; echo \'{"ok":true,"value":7}\'');

  const result = await runStoreScript<{ value: number }>('list-certificates', {}, call, { powershell });

  assert.is(result.value, 7);
});

posix('missing executable names KVCERT_POWERSHELL', async () => {
  const error = await failureOf(runStoreScript('list-certificates', {}, call, { powershell: join(folder, 'no-such-pwsh') }));

  assert.is(error.step, 'install');
  assert.is(error.certificateUrl, call.certificateUrl);
  assert.match(error.message, /^Installing web failed: PowerShell \(.*no-such-pwsh\) did not run to the end \(ENOENT\)/);
  assert.match(error.message, /KVCERT_POWERSHELL/);
});

posix('timeout is reported with its limit', async () => {
  const powershell = standIn('slow.sh', 'sleep 5');

  const error = await failureOf(runStoreScript('list-certificates', {}, call, { powershell, timeoutMs: 300 }));

  assert.is(error.message, 'Installing web failed: list-certificates.ps1 timed out after 300 ms.');
});

posix('output without a result line is a failure with stderr', async () => {
  const powershell = standIn('crash.sh', 'echo "not json"; echo "boom on stderr" >&2; exit 0');

  const error = await failureOf(runStoreScript('list-certificates', {}, call, { powershell }));

  assert.is(error.message, 'Installing web failed: list-certificates.ps1 exited with code 0 without a result: boom on stderr');
});

posix('script failure carries its message and exit code', async () => {
  const powershell = standIn('fail.sh', 'echo \'{"ok":false,"message":"the PFX leaf is A, expected B","hresult":-2146233079}\'; exit 3');

  const error = await failureOf(runStoreScript('install-certificate', {}, call, { powershell }));

  assert.is(error.step, 'install');
  assert.is(error.message, 'Installing web failed: the PFX leaf is A, expected B (exit code 3)');
});

posix('exit code 6 becomes the verify step', async () => {
  const powershell = standIn('verify.sh', 'echo \'{"ok":false,"message":"no key"}\'; exit 6');

  const error = await failureOf(runStoreScript('install-certificate', {}, call, { powershell }));

  assert.is(error.step, 'verify');
});

posix('access denied adds the account hint', async () => {
  const powershell = standIn('denied.sh', 'echo \'{"ok":false,"message":"Access is denied.","hresult":-2147024891}\'; exit 3');

  const error = await failureOf(runStoreScript('install-certificate', {}, call, { powershell }));

  assert.is(error.message, 'Installing web failed: Access is denied. (exit code 3). ' +
    'Run kvcert as LocalSystem or an administrator to write LocalMachine stores and key files.');
});

posix('request reaches the script on stdin, not in arguments', async () => {
  const capture = join(folder, 'captured');
  const powershell = join(folder, 'capture.sh');
  writeFileSync(powershell, `#!/bin/sh\necho "$@" > ${capture}.args\ncat > ${capture}.stdin\necho '{"ok":true}'\n`);
  chmodSync(powershell, 0o755);
  const adapter = new WindowsCertificateStore({ powershell });
  const { bundle } = createTestChain('rsa', 'www.runner-test.example');

  await adapter.install(target, bundle, context);
  const args = readFileSync(`${capture}.args`, 'utf8');
  const stdin = JSON.parse(readFileSync(`${capture}.stdin`, 'utf8')) as Record<string, unknown>;

  assert.match(args, /^-NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -File .*install-certificate\.ps1\n$/);
  assert.is(stdin.thumbprint, bundle.leaf.thumbprint);
  assert.is(typeof stdin.pfxBase64, 'string');
  assert.not.match(args, String(stdin.pfxBase64).slice(0, 40));
});

runner('location other than LocalMachine or CurrentUser is rejected', async () => {
  const adapter = new WindowsCertificateStore({ powershell: join(folder, 'never-run') });
  const { bundle } = createTestChain('rsa', 'www.runner-test.example');

  const error = await failureOf(adapter.install({ location: 'localmachine', name: 'My' }, bundle, context));

  assert.is(error.step, 'install');
  assert.is(error.message, "certificateStoreLocation must be 'LocalMachine' or 'CurrentUser' (case-sensitive), not 'localmachine'.");
});

runner('store name with a separator is rejected', async () => {
  const adapter = new WindowsCertificateStore({ powershell: join(folder, 'never-run') });

  const error = await failureOf(adapter.list({ location: 'CurrentUser', name: 'My\\..\\Root' }));

  assert.is(error.step, 'list');
  assert.match(error.message, /^certificateStoreName 'My\\\.\.\\Root' is invalid/);
});

runner('thumbprint must be 40 hex digits', async () => {
  const adapter = new WindowsCertificateStore({ powershell: join(folder, 'never-run') });

  const error = await failureOf(adapter.grantKeyAccess(target, 'not-a-thumbprint', ['Network Service'], context));

  assert.is(error.step, 'acl');
  assert.is(error.message, "'not-a-thumbprint' is not a certificate thumbprint (40 hexadecimal digits).");
});

posix('key access and renewal links need Windows', async () => {
  const adapter = new WindowsCertificateStore({ powershell: join(folder, 'never-run') });
  const thumbprint = 'A'.repeat(40);

  const acl = await failureOf(adapter.grantKeyAccess(target, thumbprint, ['Network Service'], context));
  const link = await failureOf(adapter.linkRenewal(target, 'B'.repeat(40), thumbprint, context));

  assert.is(acl.step, 'acl');
  assert.match(acl.message, /exists only in the Windows certificate store/);
  assert.is(link.step, 'link');
  assert.match(link.message, /exists only in the Windows certificate store/);
});

runner.run();
