import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderCertificateStore } from '../../../adapters/folder-store/folder-store.ts';
import type { Bundle, CertificateInfo } from '../../../adapters/bundle/bundle.ts';
import { createTestPki } from '../../../emulators/sample-certificates.ts';
import { issueCertificate, privateKeyPem } from '../../../emulators/x509-builder.ts';

const folderStore = suite('folder store');
const context = { certificateUrl: 'https://kv.vault.azure.net/secrets/web', version: 'v1', keyExportable: false };
const target = { location: 'LocalMachine', name: 'MY' };

function info(pem: string): CertificateInfo {
  const certificate = new X509Certificate(pem);
  return {
    der: certificate.raw, pem, thumbprint: certificate.fingerprint.replace(/:/g, ''), subject: certificate.subject, issuer: certificate.issuer,
    sanDns: [], sanIp: [], notBefore: new Date(certificate.validFrom), notAfter: new Date(certificate.validTo), isCa: certificate.ca, selfSigned: false,
  };
}

async function makeBundle(): Promise<Bundle> {
  const pki = await createTestPki();
  const webKeys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const leaf = await issueCertificate(pki.intermediate, { subject: 'CN=web.test', keys: webKeys, isCa: false, validDays: 30, dnsNames: ['web.test'] });
  return {
    format: 'pem', leaf: info(leaf.pem), intermediates: [info(pki.intermediate.pem)], roots: [info(pki.root.pem)],
    privateKeyPem: await privateKeyPem(webKeys), keyType: 'EC P-256', warnings: [],
  };
}

let root = '';
folderStore.before.each(async () => {
  root = await mkdtemp(join(tmpdir(), 'kvcert-folder-store-'));
});
folderStore.after.each(async () => {
  await rm(root, { recursive: true, force: true });
});

folderStore('writes leaf, key and intermediates', async () => {
  const bundle = await makeBundle();
  const store = new FolderCertificateStore(root);

  const result = await store.install(target, bundle, context);

  const leafThumbprint = bundle.leaf.thumbprint;
  assert.is(result.changed, true);
  assert.equal((await readdir(join(root, 'LocalMachine', 'My'))).sort(), [`${leafThumbprint}.key`, `${leafThumbprint}.pem`]);
  assert.equal(await readdir(join(root, 'LocalMachine', 'CA')), [`${bundle.intermediates[0].thumbprint}.pem`]);
  assert.is(await readFile(join(root, 'LocalMachine', 'My', `${leafThumbprint}.pem`), 'utf8'), bundle.leaf.pem);
});

folderStore('key file has mode 0600', async () => {
  const bundle = await makeBundle();
  await new FolderCertificateStore(root).install(target, bundle, context);

  const mode = (await stat(join(root, 'LocalMachine', 'My', `${bundle.leaf.thumbprint}.key`))).mode & 0o777;

  assert.is(mode.toString(8), '600');
});

folderStore('never writes the root', async () => {
  const bundle = await makeBundle();
  await new FolderCertificateStore(root).install(target, bundle, context);

  const everything = await readdir(root, { recursive: true });

  assert.not.ok(everything.some((path) => path.includes(bundle.roots[0].thumbprint)));
});

folderStore('present thumbprint writes nothing', async () => {
  const bundle = await makeBundle();
  const store = new FolderCertificateStore(root);
  await store.install(target, bundle, context);
  const keyPath = join(root, 'LocalMachine', 'My', `${bundle.leaf.thumbprint}.key`);
  const before = (await stat(keyPath)).mtimeMs;

  const again = await store.install(target, bundle, context);

  assert.is(again.changed, false);
  assert.is((await stat(keyPath)).mtimeMs, before);
});

folderStore('store names ignore case', async () => {
  const bundle = await makeBundle();
  const store = new FolderCertificateStore(root);
  await store.install({ location: 'CurrentUser', name: 'my' }, bundle, context);

  const listed = await store.list({ location: 'CurrentUser', name: 'MY' });

  assert.equal(listed.map((item) => item.thumbprint), [bundle.leaf.thumbprint]);
  assert.is(listed[0].hasPrivateKey, true);
  assert.equal(listed[0].sanDns, ['web.test']);
});

folderStore('leaves no temporary files', async () => {
  await new FolderCertificateStore(root).install(target, await makeBundle(), context);

  const everything = await readdir(root, { recursive: true });

  assert.not.ok(everything.some((path) => path.endsWith('.tmp')));
});

folderStore('unwritable root names url and fix', async () => {
  const bundle = await makeBundle();
  const blocker = join(root, 'a-file');
  await writeFile(blocker, 'not a folder');
  const store = new FolderCertificateStore(join(blocker, 'store'));

  try {
    await store.install(target, bundle, context);
    assert.unreachable('install should fail');
  } catch (error) {
    assert.is((error as Error).name, 'StoreError');
    assert.match((error as Error).message, /https:\/\/kv\.vault\.azure\.net\/secrets\/web/);
    assert.match((error as Error).message, /store root is writable/);
  }
});

folderStore.run();
