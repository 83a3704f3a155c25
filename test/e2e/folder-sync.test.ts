import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../emulators/lab.ts';
import { runCli } from './cli-runner.ts';

const sync = suite('sync into folder store');

let lab: Lab;
let work: string;
let published: Record<string, PublishedVersion>;

sync.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-e2e-'));
  published = {
    web: await lab.publish('web', 'pkcs12-intermediate'),
    api: await lab.publish('api', 'pem-ec'),
    mail: await lab.publish('mail', 'pkcs12-root'),
  };
  await writeFile(join(work, 'ca.pem'), lab.vault.caPem);
  await writeFile(join(work, 'settings.json'), JSON.stringify({
    secretsManagementSettings: {
      pollingIntervalInS: '3600',
      requireInitialSync: true,
      observedCertificates: Object.values(published).map((item) => ({ url: item.url, certificateStoreName: 'MY', certificateStoreLocation: 'LocalMachine' })),
    },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));
});

sync.after(async () => {
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

const cliArgs = () => ['sync', '--settings', join(work, 'settings.json'), '--store', 'folder', '--store-root', join(work, 'store'),
  '--status-dir', join(work, 'status'), '--ca-file', join(work, 'ca.pem')];

sync('installs three certificates', async () => {
  const result = await runCli(cliArgs());

  assert.is(result.code, 0, result.stderr);
  const personal = (await readdir(join(work, 'store', 'LocalMachine', 'My'))).sort();
  const expected = Object.values(published).flatMap((item) => [`${item.thumbprint}.key`, `${item.thumbprint}.pem`]).sort();
  assert.equal(personal, expected);
  for (const item of Object.values(published)) assert.match(result.stdout, item.thumbprint);
});

sync('key files are mode 0600', async () => {
  for (const item of Object.values(published)) {
    const mode = (await stat(join(work, 'store', 'LocalMachine', 'My', `${item.thumbprint}.key`))).mode & 0o777;
    assert.is(mode.toString(8), '600', item.url);
  }
});

sync('intermediate installed once, root never', async () => {
  const caFiles = await readdir(join(work, 'store', 'LocalMachine', 'CA'));
  const allFiles = await readdir(join(work, 'store'), { recursive: true });

  assert.is(caFiles.length, 1);
  assert.is(allFiles.filter((path) => path.endsWith('.pem')).length, 4);
});

sync('status file reports success per certificate', async () => {
  const [entry] = JSON.parse(await readFile(join(work, 'status', '0.status'), 'utf8'));

  assert.is(entry.status.status, 'success');
  assert.equal(entry.status.substatus.map((item: { status: string }) => item.status), ['success', 'success', 'success']);
  assert.equal(entry.status.substatus.map((item: { name: string }) => item.name), Object.values(published).map((item) => item.url));
});

sync('renewal installs beside the old files', async () => {
  const renewal = await lab.publish('web', 'pkcs12-intermediate');

  const result = await runCli(cliArgs());

  assert.is(result.code, 0, result.stderr);
  const personal = await readdir(join(work, 'store', 'LocalMachine', 'My'));
  assert.ok(personal.includes(`${renewal.thumbprint}.pem`));
  assert.ok(personal.includes(`${renewal.thumbprint}.key`));
  assert.ok(personal.includes(`${published.web.thumbprint}.pem`));
  assert.ok(personal.includes(`${published.web.thumbprint}.key`));
  assert.match(result.stdout, new RegExp(`secrets/web\\s+installed\\s+${renewal.version}\\s+${renewal.thumbprint}`));
});

sync.run();
