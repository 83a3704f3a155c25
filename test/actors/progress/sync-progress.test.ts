import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../../emulators/lab.ts';
import { FolderCertificateStore } from '../../../adapters/folder-store/folder-store.ts';
import { createAgent } from '../../../actors/runtime.ts';
import { silentLogger } from '../../../actors/logger.ts';
import { validateSettings } from '../../../actors/settings/validate-settings.ts';
import type { InstalledVersion } from '../../../machines/certificate-types.ts';
import { outcomeOf, reportSyncProgress } from '../../../actors/progress/sync-progress.ts';
import { renderBar } from '../../../actors/progress/progress-bar.ts';

const progress = suite('sync progress');

let lab: Lab;
let work: string;
let web: PublishedVersion;

progress.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-progress-'));
  web = await lab.publish('web', 'pkcs12-intermediate');
});

progress.after(async () => {
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

/** Runs one sync of web and a missing secret and returns everything progress wrote. */
async function syncWithProgress(isTTY: boolean, installed: Record<string, InstalledVersion> = {}): Promise<string> {
  const { settings } = validateSettings({
    secretsManagementSettings: { observedCertificates: [web.url, lab.urlOf('missing')] },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }, 'test');
  const store = new FolderCertificateStore(join(work, 'store'));
  const agent = createAgent(settings, { store, trustedCaPem: lab.vault.caPem, logger: silentLogger, installed });
  let written = '';
  const stop = reportSyncProgress(agent, { write: (text) => { written += text; }, isTTY, columns: 60 });

  agent.start();
  await agent.settled(30_000);
  await agent.stop(5_000);
  stop();
  return written;
}

progress('one line per certificate in a pipe', async () => {
  const written = await syncWithProgress(false);

  const lines = written.trimEnd().split('\n');
  assert.is(lines.length, 3);
  assert.ok(lines.includes(`installed   ${web.url}  version ${web.version}  thumbprint ${web.thumbprint}`), written);
  assert.ok(lines.some((line) => line.startsWith(`failed      ${lab.urlOf('missing')}  SecretNotFound: Key Vault returned 404`)), written);
  assert.is(lines[2], 'Initial sync finished: 2 certificates, 1 installed, 0 up to date, 1 failed');
  assert.not.match(written, /[\r\u001b]/);
});

progress('bar drawn on a terminal', async () => {
  const written = await syncWithProgress(true);

  assert.match(written, '\r\u001b[2K[');
  assert.match(written, /\] 1\/2 certificates synced/);
  assert.match(written, `\r\u001b[2Kinstalled   ${web.url}`);
  assert.ok(written.endsWith('\r\u001b[2KInitial sync finished: 2 certificates, 1 installed, 0 up to date, 1 failed\n'), JSON.stringify(written.slice(-120)));
});

progress('installed version at start is up to date', async () => {
  const written = await syncWithProgress(false, { [web.url]: { version: web.version, thumbprint: web.thumbprint } });

  assert.match(written, `up to date  ${web.url}  version ${web.version}  thumbprint ${web.thumbprint}\n`);
  assert.match(written, '0 installed, 1 up to date, 1 failed');
});

progress('busy or unpolled certificate not finished', () => {
  const base = { url: 'https://vault.test/secrets/web', attempt: 0, warnings: [], installed: { version: 'v1', thumbprint: 'AA' } };

  assert.is(outcomeOf({ ...base, state: 'idle', polls: 0 }, undefined), undefined);
  assert.is(outcomeOf({ ...base, state: 'installing', polls: 1 }, undefined), undefined);
  assert.is(outcomeOf({ ...base, state: 'idle', polls: 1 }, undefined), 'installed');
  assert.is(outcomeOf({ ...base, state: 'idle', polls: 1 }, 'v1'), 'current');
});

progress('bar fits the terminal width', () => {
  const bar = renderBar(1, 4, 50);

  assert.is(bar, `\r\u001b[2K[${'#'.repeat(6)}${'-'.repeat(17)}] 1/4 certificates synced`);
  assert.is(bar.length - '\r\u001b[2K'.length, 49);
});

progress.run();
