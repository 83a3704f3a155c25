// LinuxFolderStore against a temporary folder, with bundles parsed from secret values made at
// test time: file names, content order, modes, the link on renewal, re-install and remove.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Bundle } from '../../../adapters/bundle/bundle.ts';
import { parseSecretValue } from '../../../adapters/bundle/parse-secret.ts';
import { isFolderLocation, LinuxFolderStore } from '../../../adapters/linux-folder-store/linux-folder-store.ts';
import { StoreError, type InstallContext, type StoreTarget } from '../../../adapters/store.ts';
import { pemWithEcKey, pkcs12WithRoot, type SampleSecret } from '../../../emulators/sample-certificates.ts';

const certificateUrl = 'https://contoso-kv.vault.azure.net/secrets/web-cert';
const versions = { first: '0f1e2d3c4b5a69788796a5b4c3d2e1f0', second: 'a1b2c3d4e5f60718293a4b5c6d7e8f90' };

interface Context {
  root: string;
  target: StoreTarget;
  store: LinuxFolderStore;
}

interface PemBlock {
  label: string;
  text: string;
}

function contextOf(version: string, url = certificateUrl): InstallContext {
  return { certificateUrl: url, version, keyExportable: false };
}

function bundleOf(secret: SampleSecret): Bundle {
  return parseSecretValue(secret.value, secret.contentType, certificateUrl);
}

function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g)].map((match) => ({ label: match[1], text: match[0] }));
}

function thumbprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint.replaceAll(':', '');
}

async function failureOf(promise: Promise<unknown>): Promise<StoreError> {
  const failure = await promise.then(() => undefined, (error: unknown) => error);
  assert.instance(failure, StoreError);
  return failure as StoreError;
}

const folder = suite<Context>('linux folder store');

folder.before.each(async (context) => {
  context.root = await mkdtemp(join(tmpdir(), 'kvcert-linux-store-'));
  context.target = { location: join(context.root, 'Microsoft.Azure.KeyVault.Store'), name: 'ignored' };
  context.store = new LinuxFolderStore();
});

folder.after.each(async (context) => {
  await rm(context.root, { recursive: true, force: true });
});

folder('install names the file vault.secret.version', async (context) => {
  const bundle = bundleOf(await pkcs12WithRoot('web.kvcert.test'));

  const result = await context.store.install(context.target, bundle, contextOf(versions.first));

  const versionPath = join(context.target.location, `contoso-kv.web-cert.${versions.first}`);
  const linkPath = join(context.target.location, 'contoso-kv.web-cert');
  assert.equal(result, { thumbprint: bundle.leaf.thumbprint, changed: true, paths: [versionPath, linkPath] });
  assert.equal((await readdir(context.target.location)).sort(), ['contoso-kv.web-cert', `contoso-kv.web-cert.${versions.first}`]);
});

folder('file has leaf, intermediates, key last', async (context) => {
  const bundle = bundleOf(await pkcs12WithRoot('web.kvcert.test'));

  await context.store.install(context.target, bundle, contextOf(versions.first));

  const blocks = pemBlocks(await readFile(join(context.target.location, `contoso-kv.web-cert.${versions.first}`), 'utf8'));
  assert.equal(blocks.map((block) => block.label), ['CERTIFICATE', 'CERTIFICATE', 'PRIVATE KEY']);
  assert.is(thumbprintOf(blocks[0].text), bundle.leaf.thumbprint);
  assert.is(thumbprintOf(blocks[1].text), bundle.intermediates[0].thumbprint);
  assert.is.not(thumbprintOf(blocks[1].text), bundle.roots[0].thumbprint);
  assert.ok(new X509Certificate(blocks[0].text).checkPrivateKey(createPrivateKey(blocks[2].text)));
});

folder('EC key is written as PKCS#8', async (context) => {
  const bundle = bundleOf(await pemWithEcKey('ec.kvcert.test'));

  await context.store.install(context.target, bundle, contextOf(versions.first));

  const blocks = pemBlocks(await readFile(join(context.target.location, `contoso-kv.web-cert.${versions.first}`), 'utf8'));
  assert.equal(blocks.map((block) => block.label), ['CERTIFICATE', 'CERTIFICATE', 'PRIVATE KEY']);
  assert.is(createPrivateKey(blocks[2].text).asymmetricKeyType, 'ec');
});

folder('folder is 0700 and the file 0600', async (context) => {
  await context.store.install(context.target, bundleOf(await pkcs12WithRoot('web.kvcert.test')), contextOf(versions.first));

  assert.is((await stat(context.target.location)).mode & 0o777, 0o700);
  assert.is((await stat(join(context.target.location, `contoso-kv.web-cert.${versions.first}`))).mode & 0o777, 0o600);
});

folder('link points to the installed version', async (context) => {
  await context.store.install(context.target, bundleOf(await pkcs12WithRoot('web.kvcert.test')), contextOf(versions.first));

  const linkPath = join(context.target.location, 'contoso-kv.web-cert');
  assert.ok((await lstat(linkPath)).isSymbolicLink());
  assert.is(await readlink(linkPath), `contoso-kv.web-cert.${versions.first}`);
});

folder('link moves on a renewal', async (context) => {
  const first = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  const renewed = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  await context.store.install(context.target, first, contextOf(versions.first));

  const result = await context.store.install(context.target, renewed, contextOf(versions.second));

  const linkPath = join(context.target.location, 'contoso-kv.web-cert');
  const linked = pemBlocks(await readFile(linkPath, 'utf8'));
  assert.is(result.changed, true);
  assert.is(await readlink(linkPath), `contoso-kv.web-cert.${versions.second}`);
  assert.is(thumbprintOf(linked[0].text), renewed.leaf.thumbprint);
  assert.ok((await stat(join(context.target.location, `contoso-kv.web-cert.${versions.first}`))).isFile());
});

folder('re-install of the same version writes nothing', async (context) => {
  const bundle = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  await context.store.install(context.target, bundle, contextOf(versions.first));
  const versionPath = join(context.target.location, `contoso-kv.web-cert.${versions.first}`);
  const before = await stat(versionPath);
  const linkBefore = await lstat(join(context.target.location, 'contoso-kv.web-cert'));

  const result = await context.store.install(context.target, bundle, contextOf(versions.first));

  const after = await stat(versionPath);
  const linkAfter = await lstat(join(context.target.location, 'contoso-kv.web-cert'));
  assert.is(result.changed, false);
  assert.is(after.ino, before.ino);
  assert.is(after.mtimeMs, before.mtimeMs);
  assert.is(linkAfter.ino, linkBefore.ino);
});

folder('re-install of an older version moves the link back', async (context) => {
  const first = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  await context.store.install(context.target, first, contextOf(versions.first));
  await context.store.install(context.target, bundleOf(await pkcs12WithRoot('web.kvcert.test')), contextOf(versions.second));
  const firstPath = join(context.target.location, `contoso-kv.web-cert.${versions.first}`);
  const before = await stat(firstPath);

  const result = await context.store.install(context.target, first, contextOf(versions.first));

  assert.is(result.changed, true);
  assert.is((await stat(firstPath)).ino, before.ino);
  assert.is(await readlink(join(context.target.location, 'contoso-kv.web-cert')), `contoso-kv.web-cert.${versions.first}`);
});

folder('install leaves no temporary files', async (context) => {
  await context.store.install(context.target, bundleOf(await pkcs12WithRoot('web.kvcert.test')), contextOf(versions.first));
  await context.store.install(context.target, bundleOf(await pkcs12WithRoot('web.kvcert.test')), contextOf(versions.second));

  const hidden = (await readdir(context.target.location)).filter((name) => name.startsWith('.'));
  assert.equal(hidden, []);
});

folder('list reports every version file', async (context) => {
  const first = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  const renewed = bundleOf(await pemWithEcKey('web.kvcert.test'));
  await context.store.install(context.target, first, contextOf(versions.first));
  await context.store.install(context.target, renewed, contextOf(versions.second));
  await writeFile(join(context.target.location, 'notes.txt'), 'not a certificate');
  await writeFile(join(context.target.location, 'other.file.v1'), 'not PEM either');

  const listed = await context.store.list(context.target);

  const byThumbprint = new Map(listed.map((certificate) => [certificate.thumbprint, certificate]));
  assert.is(listed.length, 2);
  for (const bundle of [first, renewed]) {
    const certificate = byThumbprint.get(bundle.leaf.thumbprint);
    assert.ok(certificate, `${bundle.leaf.thumbprint} missing from the list`);
    assert.is(certificate!.subject, bundle.leaf.subject);
    assert.equal(certificate!.sanDns, ['web.kvcert.test']);
    assert.is(certificate!.notAfter.getTime(), bundle.leaf.notAfter.getTime());
    assert.is(certificate!.hasPrivateKey, true);
  }
});

folder('list of a missing folder is empty', async (context) => {
  assert.equal(await context.store.list(context.target), []);
});

folder('remove deletes an older version file', async (context) => {
  const first = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  const renewed = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  await context.store.install(context.target, first, contextOf(versions.first));
  await context.store.install(context.target, renewed, contextOf(versions.second));

  await context.store.remove(context.target, first.leaf.thumbprint, contextOf(versions.second));

  const names = (await readdir(context.target.location)).sort();
  assert.equal(names, ['contoso-kv.web-cert', `contoso-kv.web-cert.${versions.second}`]);
  assert.equal((await context.store.list(context.target)).map((certificate) => certificate.thumbprint), [renewed.leaf.thumbprint]);
});

folder('remove keeps the linked file', async (context) => {
  const bundle = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  await context.store.install(context.target, bundle, contextOf(versions.first));

  await context.store.remove(context.target, bundle.leaf.thumbprint, contextOf(versions.first));

  assert.ok((await stat(join(context.target.location, `contoso-kv.web-cert.${versions.first}`))).isFile());
  assert.equal((await context.store.list(context.target)).map((certificate) => certificate.thumbprint), [bundle.leaf.thumbprint]);
});

folder('remove leaves other certificates alone', async (context) => {
  const shared = bundleOf(await pkcs12WithRoot('web.kvcert.test'));
  const otherUrl = 'https://contoso-kv.vault.azure.net/secrets/api-cert';
  await context.store.install(context.target, shared, contextOf(versions.first, otherUrl));
  await context.store.install(context.target, bundleOf(await pkcs12WithRoot('api.kvcert.test')), contextOf(versions.second, otherUrl));
  await context.store.install(context.target, shared, contextOf(versions.first));
  await context.store.install(context.target, bundleOf(await pkcs12WithRoot('web.kvcert.test')), contextOf(versions.second));

  await context.store.remove(context.target, shared.leaf.thumbprint, contextOf(versions.second));

  const names = await readdir(context.target.location);
  assert.ok(names.includes(`contoso-kv.api-cert.${versions.first}`));
  assert.not.ok(names.includes(`contoso-kv.web-cert.${versions.first}`));
});

folder('remove of an absent thumbprint does nothing', async (context) => {
  await context.store.install(context.target, bundleOf(await pkcs12WithRoot('web.kvcert.test')), contextOf(versions.first));
  const before = (await readdir(context.target.location)).sort();

  await context.store.remove(context.target, 'A'.repeat(40), contextOf(versions.first));
  await context.store.remove({ ...context.target, location: join(context.root, 'missing') }, 'A'.repeat(40), contextOf(versions.first));

  assert.equal((await readdir(context.target.location)).sort(), before);
});

folder('location must be an absolute path', async (context) => {
  const bundle = bundleOf(await pkcs12WithRoot('web.kvcert.test'));

  const error = await failureOf(context.store.install({ location: 'LocalMachine', name: 'My' }, bundle, contextOf(versions.first)));

  assert.is(error.step, 'install');
  assert.is(error.certificateUrl, certificateUrl);
  assert.is(error.message, "certificateStoreLocation 'LocalMachine' is not an absolute folder path, which the Linux folder store needs " +
    '(for example /var/lib/waagent/Microsoft.Azure.KeyVault.Store).');
  assert.ok(isFolderLocation('/var/lib/waagent/Microsoft.Azure.KeyVault.Store'));
  assert.not.ok(isFolderLocation('CurrentUser'));
});

folder('unwritable location fails with the install step', async (context) => {
  const blocker = join(context.root, 'a-file');
  await writeFile(blocker, 'in the way');
  const bundle = bundleOf(await pkcs12WithRoot('web.kvcert.test'));

  const error = await failureOf(context.store.install({ location: join(blocker, 'store'), name: 'My' }, bundle, contextOf(versions.first)));

  assert.is(error.step, 'install');
  assert.match(error.message, `Installing ${certificateUrl} (version ${versions.first}) into ${join(blocker, 'store')} failed: `);
  assert.match(error.message, 'Check that certificateStoreLocation is a folder the agent can create and write.');
  assert.not.match(error.message, 'PRIVATE KEY');
});

folder('invalid version is rejected before writing', async (context) => {
  const bundle = bundleOf(await pkcs12WithRoot('web.kvcert.test'));

  const error = await failureOf(context.store.install(context.target, bundle, contextOf('../escape')));

  assert.is(error.step, 'install');
  assert.match(error.message, "the version '../escape' is not 1 to 64 letters and digits");
  assert.equal(await context.store.list(context.target), []);
});

folder.run();
