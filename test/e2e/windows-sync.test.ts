import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../emulators/lab.ts';
import { WindowsCertificateStore } from '../../adapters/windows-store/windows-store.ts';
import { runFixture, uniqueStoreName, whenPowerShellRuns } from '../adapters/windows-store/powershell-fixtures.ts';
import { runCli } from './cli-runner.ts';

const windowsSync = suite('sync into windows store');
const live = whenPowerShellRuns(windowsSync);

const target = { location: 'CurrentUser', name: uniqueStoreName() };
let lab: Lab;
let work: string;
let published: PublishedVersion[] = [];

windowsSync.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-e2e-windows-'));
  published = [await lab.publish('web', 'pkcs12-intermediate'), await lab.publish('api', 'pem-ec'), await lab.publish('mail', 'pkcs12-root')];
  await writeFile(join(work, 'ca.pem'), lab.vault.caPem);
  await writeFile(join(work, 'settings.json'), JSON.stringify({
    secretsManagementSettings: {
      requireInitialSync: true,
      observedCertificates: published.map((item) => ({ url: item.url, certificateStoreName: target.name, certificateStoreLocation: 'CurrentUser' })),
    },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));
});

windowsSync.after(async () => {
  await lab.close();
  await rm(work, { recursive: true, force: true });
  if (live === windowsSync.skip) return;
  const caStore = await new WindowsCertificateStore().list({ location: 'CurrentUser', name: 'CA' });
  const caThumbprints = caStore.filter((item) => item.subject.includes('kvcert Test Intermediate CA')).map((item) => item.thumbprint);
  await runFixture('remove-test-store', { location: target.location, storeName: target.name, caThumbprints });
});

const cliArgs = () => ['sync', '--settings', join(work, 'settings.json'), '--store', 'windows', '--status-dir', join(work, 'status'), '--ca-file', join(work, 'ca.pem')];

live('installs three certificates with their keys', async () => {
  const result = await runCli(cliArgs(), 240_000);

  assert.is(result.code, 0, result.stderr);
  const stored = await new WindowsCertificateStore().list(target);
  assert.equal(stored.map((item) => item.thumbprint).sort(), published.map((item) => item.thumbprint).sort());
  assert.ok(stored.every((item) => item.hasPrivateKey));
  const [entry] = JSON.parse(await readFile(join(work, 'status', '0.status'), 'utf8'));
  assert.is(entry.status.status, 'success');
});

live('renewal installs beside the first version', async () => {
  const renewal = await lab.publish('web', 'pkcs12-intermediate');

  const result = await runCli(cliArgs(), 240_000);

  assert.is(result.code, 0, result.stderr);
  const thumbprints = (await new WindowsCertificateStore().list(target)).map((item) => item.thumbprint);
  assert.ok(thumbprints.includes(renewal.thumbprint));
  assert.ok(thumbprints.includes(published[0].thumbprint));
  assert.is(thumbprints.length, 4);
});

windowsSync.run();
