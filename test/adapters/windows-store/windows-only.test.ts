// The steps that exist only in the Windows certificate store: LocalMachine installs, private key
// ACLs and renewal links. They run on Windows (the GitHub Actions workflow windows.yml, which runs
// as an administrator) and are skipped everywhere else, so this project's Linux CI never runs them.
import { existsSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { StoreError, type InstallContext, type StoreTarget } from '../../../adapters/store.ts';
import { runStoreScript } from '../../../adapters/windows-store/powershell-runner.ts';
import { WindowsCertificateStore } from '../../../adapters/windows-store/windows-store.ts';
import { runFixture, uniqueStoreName, whenPowerShellRuns } from './powershell-fixtures.ts';
import { createTestChain } from './test-chain.ts';

const windowsOnly = suite('windows store, Windows-only steps');
const onWindows = process.platform === 'win32';
const reason = onWindows ? '' : ' (skipped: needs the Windows certificate store)';
const windows = onWindows ? whenPowerShellRuns(windowsOnly) : windowsOnly.skip;

const target: StoreTarget = { location: 'LocalMachine', name: uniqueStoreName() };
const adapter = new WindowsCertificateStore();
const first = createTestChain('rsa', 'www.windows-test.example');
const renewed = createTestChain('ec', 'www.windows-test.example');
const fullControl = 0x1f01ff;
const read = 0x20089;
let startedAt = new Date();

function context(version: string, keyExportable = false): InstallContext {
  return { certificateUrl: `https://kvcert-test.vault.azure.net/secrets/windows/${version}`, version, keyExportable };
}

windowsOnly.before(() => {
  startedAt = new Date();
});

windowsOnly.after(async () => {
  if (!onWindows) return;
  const caThumbprints = [first, renewed].map((chain) => chain.bundle.intermediates[0].thumbprint);
  await runFixture('remove-test-store', { location: target.location, storeName: target.name, caThumbprints });
});

windows(`LocalMachine install puts leaf in store and intermediate in CA${reason}`, async () => {
  const result = await adapter.install(target, first.bundle, context('v1'));
  const ca = (await adapter.list({ location: 'LocalMachine', name: 'CA' })).map((certificate) => certificate.thumbprint);
  const signed = await runFixture<{ found: boolean }>('sign-with-stored-key', {
    location: target.location, storeName: target.name, thumbprint: first.bundle.leaf.thumbprint, dataBase64: 'AAEC',
  });

  assert.is(result.changed, true);
  assert.ok(signed.found);
  assert.ok(ca.includes(first.bundle.intermediates[0].thumbprint));
  assert.not.ok(ca.includes(first.root.thumbprint));
});

windows(`key without keyExportable cannot be exported${reason}`, async () => {
  const attempt = await runFixture<{ exported: boolean }>('try-export-key', { location: target.location, storeName: target.name, thumbprint: first.bundle.leaf.thumbprint });

  assert.is(attempt.exported, false);
});

windows(`key with keyExportable can be exported${reason}`, async () => {
  await adapter.install(target, renewed.bundle, context('v2', true));

  const attempt = await runFixture<{ exported: boolean }>('try-export-key', { location: target.location, storeName: target.name, thumbprint: renewed.bundle.leaf.thumbprint });

  assert.is(attempt.exported, true);
});

windows(`key access grants Read and keeps Full Control${reason}`, async () => {
  const call = { step: 'acl' as const, certificateUrl: context('v1').certificateUrl, action: 'Granting key access' };
  const request = { location: target.location, storeName: target.name, thumbprint: first.bundle.leaf.thumbprint, accounts: ['Network Service', 'NT AUTHORITY\\LOCAL SERVICE'] };

  const granted = await runStoreScript<{ keyFile: string; sids: string[] }>('grant-key-access', request, call);
  const { rules } = await runFixture<{ rules: Array<{ sid: string; rights: number; type: string }> }>('read-file-acl', { path: granted.keyFile });
  const rights = (sid: string) => rules.filter((rule) => rule.sid === sid && rule.type === 'Allow').reduce((all, rule) => all | rule.rights, 0);

  assert.equal(granted.sids, ['S-1-5-20', 'S-1-5-19']);
  assert.is(rights('S-1-5-20') & read, read);
  assert.is(rights('S-1-5-19') & read, read);
  assert.is(rights('S-1-5-18') & fullControl, fullControl);
  assert.is(rights('S-1-5-32-544') & fullControl, fullControl);
});

windows(`key access through the adapter succeeds for the EC key${reason}`, async () => {
  await adapter.grantKeyAccess(target, renewed.bundle.leaf.thumbprint, ['IIS_IUSRS'], context('v2'));
});

windows(`unknown account fails key access for that certificate${reason}`, async () => {
  const failure = await adapter.grantKeyAccess(target, first.bundle.leaf.thumbprint, ['kvcert-no-such-account-7f3a'], context('v1'))
    .then(() => undefined, (error: unknown) => error);

  assert.instance(failure, StoreError);
  assert.is((failure as StoreError).step, 'acl');
  assert.is((failure as StoreError).certificateUrl, context('v1').certificateUrl);
  assert.match((failure as StoreError).message, /account 'kvcert-no-such-account-7f3a' was not found/);
});

windows(`renewal link stores the new hash on the previous certificate${reason}`, async () => {
  await adapter.linkRenewal(target, first.bundle.leaf.thumbprint, renewed.bundle.leaf.thumbprint, context('v2'));

  const property = await runFixture<{ renewedByHex: string }>('read-renewal-property', {
    location: target.location, storeName: target.name, thumbprint: first.bundle.leaf.thumbprint,
  });

  assert.is(property.renewedByHex, renewed.bundle.leaf.thumbprint);
});

windows(`renewal link raises lifecycle event 1001${reason}`, async () => {
  const lookup = await runFixture<{ found: boolean; events: number }>('find-lifecycle-event', {
    thumbprint: renewed.bundle.leaf.thumbprint, sinceUtc: startedAt.toISOString(),
  });

  assert.ok(lookup.found, `no event 1001 for ${renewed.bundle.leaf.thumbprint} among ${lookup.events} since ${startedAt.toISOString()}`);
});

windows(`renewal link without the previous certificate does nothing${reason}`, async () => {
  await adapter.linkRenewal(target, 'C'.repeat(40), renewed.bundle.leaf.thumbprint, context('v2'));
});

windows(`remove deletes the certificate and its key file${reason}`, async () => {
  const call = { step: 'acl' as const, certificateUrl: context('v1').certificateUrl, action: 'Finding the key file' };
  const request = { location: target.location, storeName: target.name, thumbprint: first.bundle.leaf.thumbprint, accounts: [] };
  const { keyFile } = await runStoreScript<{ keyFile: string }>('grant-key-access', request, call);
  assert.ok(existsSync(keyFile), `${keyFile} is missing before remove`);

  await adapter.remove(target, first.bundle.leaf.thumbprint, context('v1'));

  assert.not.ok((await adapter.list(target)).some((certificate) => certificate.thumbprint === first.bundle.leaf.thumbprint));
  assert.not.ok(existsSync(keyFile), `${keyFile} is still there after remove`);
});

windowsOnly.run();
