// WindowsCertificateStore.remove with remove-certificate.ps1, run for real against a CurrentUser
// store: pwsh on Linux and macOS, where .NET keeps each certificate with its key in one .pfx file
// under ~/.dotnet/corefx/cryptography/x509stores, and Windows PowerShell 5.1 on Windows.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { StoreError, type InstallContext, type StoreTarget } from '../../../adapters/store.ts';
import { runStoreScript } from '../../../adapters/windows-store/powershell-runner.ts';
import { WindowsCertificateStore } from '../../../adapters/windows-store/windows-store.ts';
import { runFixture, uniqueStoreName, whenPowerShellRuns } from './powershell-fixtures.ts';
import { createTestChain } from './test-chain.ts';

const remove = suite('windows store remove');
const live = whenPowerShellRuns(remove);

const target: StoreTarget = { location: 'CurrentUser', name: uniqueStoreName() };
const adapter = new WindowsCertificateStore();
const stayingChain = createTestChain('rsa', 'www.remove-test.example');
const removedChain = createTestChain('ec', 'www.remove-test.example');
const chains = [stayingChain, removedChain];

function context(version: string): InstallContext {
  return { certificateUrl: `https://kvcert-test.vault.azure.net/secrets/remove/${version}`, version, keyExportable: false };
}

async function thumbprintsIn(storeTarget: StoreTarget): Promise<string[]> {
  return (await adapter.list(storeTarget)).map((certificate) => certificate.thumbprint);
}

/** Returns the .pfx file in which .NET on Linux and macOS keeps a CurrentUser certificate with its key. */
function unixStoreFile(thumbprint: string): string {
  return join(homedir(), '.dotnet/corefx/cryptography/x509stores', target.name.toLowerCase(), `${thumbprint}.pfx`);
}

async function failureOf(promise: Promise<unknown>): Promise<StoreError> {
  const failure = await promise.then(() => undefined, (error: unknown) => error);
  assert.instance(failure, StoreError);
  return failure as StoreError;
}

remove.after(async () => {
  if (live === remove.skip) return;
  const caThumbprints = chains.flatMap((chain) => chain.bundle.intermediates.map((intermediate) => intermediate.thumbprint));
  await runFixture('remove-test-store', { location: target.location, storeName: target.name, caThumbprints });
});

live('remove takes one certificate and keeps the other', async () => {
  await adapter.install(target, stayingChain.bundle, context('v1'));
  await adapter.install(target, removedChain.bundle, context('v2'));

  await adapter.remove(target, removedChain.bundle.leaf.thumbprint, context('v2'));

  assert.equal(await thumbprintsIn(target), [stayingChain.bundle.leaf.thumbprint]);
});

live('removed certificate leaves no key file behind', async () => {
  if (process.platform === 'win32') return; // windows-only.test.ts checks the CNG key file there.

  assert.not.ok(existsSync(unixStoreFile(removedChain.bundle.leaf.thumbprint)));
  assert.ok(existsSync(unixStoreFile(stayingChain.bundle.leaf.thumbprint)));
});

live('intermediates stay in CA after remove', async () => {
  const ca = await thumbprintsIn({ location: 'CurrentUser', name: 'CA' });

  assert.ok(ca.includes(removedChain.bundle.intermediates[0].thumbprint));
});

live('absent thumbprint is not an error', async () => {
  await adapter.remove(target, removedChain.bundle.leaf.thumbprint, context('v2'));

  assert.equal(await thumbprintsIn(target), [stayingChain.bundle.leaf.thumbprint]);
});

live('script reports what it removed', async () => {
  const call = { step: 'remove' as const, certificateUrl: context('v1').certificateUrl, action: 'Removing' };
  const request = { location: target.location, storeName: target.name, thumbprint: stayingChain.bundle.leaf.thumbprint.toLowerCase() };

  const first = await runStoreScript<{ removed: boolean; keyDeleted: boolean; path: string }>('remove-certificate', request, call);
  const second = await runStoreScript<{ removed: boolean; keyDeleted: boolean }>('remove-certificate', request, call);

  assert.is(first.removed, true);
  assert.is(first.keyDeleted, process.platform === 'win32');
  assert.is(first.path, `Cert:\\CurrentUser\\${target.name}\\${stayingChain.bundle.leaf.thumbprint}`);
  assert.is(second.removed, false);
  assert.is(second.keyDeleted, false);
  assert.equal(await thumbprintsIn(target), []);
});

remove('invalid thumbprint fails before PowerShell runs', async () => {
  const error = await failureOf(new WindowsCertificateStore({ powershell: '/nonexistent/pwsh' }).remove(target, 'not-a-thumbprint', context('v1')));

  assert.is(error.step, 'remove');
  assert.is(error.certificateUrl, context('v1').certificateUrl);
  assert.is(error.message, "'not-a-thumbprint' is not a certificate thumbprint (40 hexadecimal digits).");
});

remove('invalid location fails with the remove step', async () => {
  const error = await failureOf(adapter.remove({ location: 'LocalComputer', name: 'My' }, stayingChain.bundle.leaf.thumbprint, context('v1')));

  assert.is(error.step, 'remove');
  assert.match(error.message, /certificateStoreLocation must be 'LocalMachine' or 'CurrentUser'/);
});

live('missing store is not an error and stays missing', async () => {
  const missing: StoreTarget = { location: 'CurrentUser', name: uniqueStoreName() };

  await adapter.remove(missing, stayingChain.bundle.leaf.thumbprint, context('v1'));

  const created = await runFixture<{ exists: boolean }>('test-store-exists', { location: missing.location, storeName: missing.name });
  assert.is(created.exists, false);
});

remove.run();
