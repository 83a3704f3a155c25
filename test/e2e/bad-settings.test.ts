import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../emulators/lab.ts';
import type { Lab } from '../../emulators/lab.ts';
import { runCli } from './cli-runner.ts';

const badSettings = suite('bad settings');

let lab: Lab;
let work: string;

badSettings.before(async () => {
  lab = await startLab();
  await lab.publish('web', 'pkcs12-intermediate');
  work = await mkdtemp(join(tmpdir(), 'kvcert-bad-settings-'));
});

badSettings.after(async () => {
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

async function syncWith(certificate: Record<string, unknown>) {
  const path = join(work, 'settings.json');
  await writeFile(path, JSON.stringify({
    secretsManagementSettings: { observedCertificates: [certificate] },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));
  return runCli(['sync', '--settings', path, '--store', 'folder', '--store-root', join(work, 'store'), '--status-dir', join(work, 'status')]);
}

const cases: Array<[string, Record<string, unknown>, RegExp]> = [
  ['missing url', { certificateStoreName: 'MY' }, /observedCertificates\[0\]\.url: is required/],
  ['lower-case location', { url: 'URL', certificateStoreLocation: 'localmachine' }, /observedCertificates\[0\]\.certificateStoreLocation: must be 'LocalMachine' or 'CurrentUser' \(the value is case-sensitive: write 'LocalMachine'\) \(found "localmachine"\)/],
  ['http vault', { url: 'http://myvault.vault.azure.net/secrets/web' }, /observedCertificates\[0\]\.url: the scheme is 'http'; Key Vault needs https/],
];

for (const [name, certificate, message] of cases) {
  badSettings(`${name} exits 2 and sends nothing`, async () => {
    const entry = { ...certificate };
    if (entry.url === 'URL') entry.url = lab.urlOf('web');

    const result = await syncWith(entry);

    assert.is(result.code, 2);
    assert.match(result.stderr, message);
    assert.is(lab.tokens.requests.length, 0);
    assert.is(lab.vault.requests.length, 0);
    assert.equal(await readdir(work), ['settings.json']);
  });
}

badSettings('unknown command exits 2', async () => {
  const result = await runCli(['synch']);

  assert.is(result.code, 2);
  assert.match(result.stderr, /unknown command 'synch'/);
});

badSettings('missing settings flag exits 2', async () => {
  const result = await runCli(['sync']);

  assert.is(result.code, 2);
  assert.match(result.stderr, /--settings FILE is required/);
});

badSettings.run();
