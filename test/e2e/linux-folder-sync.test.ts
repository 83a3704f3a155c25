import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../emulators/lab.ts';
import type { Lab } from '../../emulators/lab.ts';
import { runCli } from './cli-runner.ts';

const linuxForm = suite('sync into a linux extension folder');

let lab: Lab;
let work: string;

linuxForm.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-linux-form-'));
  await writeFile(join(work, 'ca.pem'), lab.vault.caPem);
});

linuxForm.after(async () => {
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

linuxForm('installs per version with a link to the newest', async () => {
  const storeFolder = join(work, 'Microsoft.Azure.KeyVault.Store');
  const first = await lab.publish('web', 'pkcs12-intermediate');
  await writeFile(join(work, 'settings.json'), JSON.stringify({
    secretsManagementSettings: { observedCertificates: [{ url: first.url, certificateStoreLocation: storeFolder }] },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));
  const args = ['sync', '--settings', join(work, 'settings.json'), '--store-root', join(work, 'unused'), '--status-dir', join(work, 'status'),
    '--state-file', join(work, 'state.json'), '--ca-file', join(work, 'ca.pem')];

  const firstRun = await runCli(args);
  const renewal = await lab.publish('web', 'pkcs12-intermediate');
  const secondRun = await runCli(args);

  assert.is(firstRun.code, 0, firstRun.stderr);
  assert.is(secondRun.code, 0, secondRun.stderr);
  const files = (await readdir(storeFolder)).sort();
  assert.equal(files, ['127-0-0-1.web', `127-0-0-1.web.${first.version}`, `127-0-0-1.web.${renewal.version}`].sort());
  assert.is(await readlink(join(storeFolder, '127-0-0-1.web')), `127-0-0-1.web.${renewal.version}`);
  assert.is(((await stat(storeFolder)).mode & 0o777).toString(8), '700');
  const newest = await readFile(join(storeFolder, '127-0-0-1.web'), 'utf8');
  assert.match(newest, /-----END PRIVATE KEY-----\s*$/);
  await stat(join(work, 'unused')).then(() => assert.unreachable('the folder store was used'), () => {});
});

linuxForm.run();
