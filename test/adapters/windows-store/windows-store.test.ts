// Runs the cross-platform store scripts for real against CurrentUser stores: pwsh on Linux and
// macOS (stores under ~/.dotnet/corefx/cryptography/x509stores), Windows PowerShell 5.1 on Windows.
import { randomBytes, verify, X509Certificate } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Bundle } from '../../../adapters/bundle/bundle.ts';
import { StoreError, type InstallContext, type StoreTarget } from '../../../adapters/store.ts';
import { WindowsCertificateStore } from '../../../adapters/windows-store/windows-store.ts';
import { runFixture, uniqueStoreName, whenPowerShellRuns } from './powershell-fixtures.ts';
import { createTestChain } from './test-chain.ts';

const store = suite('windows store with PowerShell');
const live = whenPowerShellRuns(store);

const target: StoreTarget = { location: 'CurrentUser', name: uniqueStoreName() };
const adapter = new WindowsCertificateStore();
const rsa = createTestChain('rsa', 'www.rsa-test.example');
const rsaRenewed = createTestChain('rsa', 'www.rsa-test.example');
const ec = createTestChain('ec', 'www.ec-test.example');
const foreignKey = createTestChain('rsa', 'www.mismatch-test.example');
const mismatched: Bundle = { ...foreignKey.bundle, privateKeyPem: rsa.bundle.privateKeyPem };
const chains = [rsa, rsaRenewed, ec, foreignKey];

function context(version: string): InstallContext {
  return { certificateUrl: `https://kvcert-test.vault.azure.net/secrets/web/${version}`, version, keyExportable: false };
}

async function thumbprintsIn(storeTarget: StoreTarget): Promise<string[]> {
  return (await adapter.list(storeTarget)).map((certificate) => certificate.thumbprint);
}

/** Signs random data with the stored key and verifies it with the bundle's public key in Node. */
async function assertStoredKeyMatches(bundle: Bundle): Promise<void> {
  const data = randomBytes(32);
  const signed = await runFixture<{ found: boolean; algorithm: string; signatureBase64: string }>('sign-with-stored-key', {
    location: target.location, storeName: target.name, thumbprint: bundle.leaf.thumbprint, dataBase64: data.toString('base64'),
  });
  assert.ok(signed.found, `${bundle.leaf.thumbprint} not in ${target.name}`);

  const publicKey = new X509Certificate(bundle.leaf.der).publicKey;
  const dsaEncoding = signed.algorithm === 'ecdsa-p1363' ? 'ieee-p1363' : 'der';
  assert.ok(verify('sha256', data, { key: publicKey, dsaEncoding }, Buffer.from(signed.signatureBase64, 'base64')));
}

store.after(async () => {
  if (live === store.skip) return;
  const caThumbprints = chains.flatMap((chain) => chain.bundle.intermediates.map((intermediate) => intermediate.thumbprint));
  await runFixture('remove-test-store', { location: target.location, storeName: target.name, caThumbprints });
});

live('install adds RSA leaf and reports paths', async () => {
  const result = await adapter.install(target, rsa.bundle, context('v1'));

  assert.is(result.thumbprint, rsa.bundle.leaf.thumbprint);
  assert.is(result.changed, true);
  assert.equal(result.paths, [
    `Cert:\\CurrentUser\\${target.name}\\${rsa.bundle.leaf.thumbprint}`,
    `Cert:\\CurrentUser\\CA\\${rsa.bundle.intermediates[0].thumbprint}`,
  ]);
});

live('stored RSA key belongs to the leaf', async () => {
  await assertStoredKeyMatches(rsa.bundle);
});

live('list reports subject, SAN, expiry and key', async () => {
  const listed = await adapter.list(target);

  assert.is(listed.length, 1);
  assert.is(listed[0].thumbprint, rsa.bundle.leaf.thumbprint);
  assert.is(listed[0].subject, 'CN=www.rsa-test.example');
  assert.equal(listed[0].sanDns, ['www.rsa-test.example']);
  assert.is(listed[0].notAfter.getTime(), rsa.bundle.leaf.notAfter.getTime());
  assert.is(listed[0].hasPrivateKey, true);
});

live('intermediate goes to CA and the root nowhere', async () => {
  const ca = await thumbprintsIn({ location: 'CurrentUser', name: 'CA' });
  const root = await thumbprintsIn({ location: 'CurrentUser', name: 'Root' });
  const own = await thumbprintsIn(target);

  assert.ok(ca.includes(rsa.bundle.intermediates[0].thumbprint));
  assert.not.ok(ca.includes(rsa.root.thumbprint));
  assert.not.ok(root.includes(rsa.root.thumbprint));
  assert.not.ok(own.includes(rsa.root.thumbprint));
});

live('re-import of the same bundle changes nothing', async () => {
  const result = await adapter.install(target, rsa.bundle, context('v1'));

  assert.is(result.changed, false);
  assert.is(result.thumbprint, rsa.bundle.leaf.thumbprint);
  assert.equal(await thumbprintsIn(target), [rsa.bundle.leaf.thumbprint]);
});

live('second version installs beside the first', async () => {
  const result = await adapter.install(target, rsaRenewed.bundle, context('v2'));
  const listed = await thumbprintsIn(target);

  assert.is(result.changed, true);
  assert.is(listed.length, 2);
  assert.ok(listed.includes(rsa.bundle.leaf.thumbprint));
  assert.ok(listed.includes(rsaRenewed.bundle.leaf.thumbprint));
  await assertStoredKeyMatches(rsaRenewed.bundle);
});

live('install adds EC P-256 leaf with usable key', async () => {
  const result = await adapter.install(target, ec.bundle, context('v3'));

  assert.is(result.changed, true);
  await assertStoredKeyMatches(ec.bundle);
});

live('store names are case-insensitive', async () => {
  const upper = await thumbprintsIn({ location: 'CurrentUser', name: target.name.toUpperCase() });

  assert.equal(upper.sort(), [rsa, rsaRenewed, ec].map((chain) => chain.bundle.leaf.thumbprint).sort());
});

live('key not matching the leaf fails verification', async () => {
  const failure = await adapter.install(target, mismatched, context('v4')).then(() => undefined, (error: unknown) => error);

  assert.instance(failure, StoreError);
  const error = failure as StoreError;
  assert.is(error.step, 'verify');
  assert.is(error.certificateUrl, context('v4').certificateUrl);
  assert.match(error.message, /does not match the certificate/);
  assert.not.ok((await thumbprintsIn(target)).includes(mismatched.leaf.thumbprint));
});

live('list of a missing store is empty', async () => {
  assert.equal(await adapter.list({ location: 'CurrentUser', name: uniqueStoreName() }), []);
});

live('PowerShell parser accepts every script', async () => {
  const root = resolve(import.meta.dirname, '../../..');
  const folders = [join(root, 'adapters/windows-store'), join(import.meta.dirname, 'fixtures')];
  const paths = folders.flatMap((folder) => readdirSync(folder).filter((name) => name.endsWith('.ps1')).map((name) => join(folder, name)));

  const parsed = await runFixture<{ errors: string[] }>('parse-scripts', { paths });

  assert.equal(parsed.errors, []);
});

store.run();
