import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../emulators/lab.ts';
import type { Lab } from '../../emulators/lab.ts';
import { FolderCertificateStore } from '../../adapters/folder-store/folder-store.ts';
import { createAgent } from '../../actors/runtime.ts';
import type { Agent } from '../../actors/agent.ts';
import { silentLogger } from '../../actors/logger.ts';
import { validateSettings } from '../../actors/settings/validate-settings.ts';
import { emptyState } from '../../actors/state/state-file.ts';
import { recordState } from '../../actors/state/state-recorder.ts';

const lifecycle = suite('agent lifecycle');

let lab: Lab;
let work: string;
const running: Array<() => Promise<void>> = [];

lifecycle.before.each(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-lifecycle-'));
});

lifecycle.after.each(async () => {
  for (const stop of running.splice(0)) await stop();
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

function start(urls: string[], extra: Record<string, unknown> = {}) {
  const { settings } = validateSettings({
    secretsManagementSettings: { observedCertificates: urls, ...extra },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }, 'test');
  const store = new FolderCertificateStore(join(work, 'store'));
  const agent = createAgent(settings, { store, trustedCaPem: lab.vault.caPem, logger: silentLogger });
  const stopRecording = recordState(agent, {
    path: join(work, 'state.json'), state: emptyState(), store, logger: silentLogger,
    lookup: (url) => settings.observedCertificates.find((certificate) => certificate.url === url),
    retainVersions: () => settings.retainVersions,
  });
  agent.start();
  running.push(async () => {
    await agent.stop(5_000);
    await stopRecording();
  });
  return { agent, store, stopRecording };
}

async function pollAndSettle(agent: Agent) {
  agent.pollNow();
  return agent.settled(30_000);
}

const personalFolder = () => join(work, 'store', 'LocalMachine', 'My');

lifecycle('disabled secret keeps the installed version', async () => {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  const api = await lab.publish('api', 'pem-ec');
  const { agent } = start([web.url, api.url]);
  await agent.settled(30_000);

  lab.vault.setEnabled('web', web.version, false);
  const report = await pollAndSettle(agent);

  assert.is(report.certificates[0].status, 'error');
  assert.is(report.certificates[0].reason, 'SecretDisabled');
  assert.match(report.certificates[0].message, new RegExp(`version ${web.version} stays installed`));
  assert.is(report.certificates[1].status, 'success');
  assert.ok((await readdir(personalFolder())).includes(`${web.thumbprint}.key`));

  lab.vault.setEnabled('web', web.version, true);
  const recovered = await pollAndSettle(agent);

  assert.is(recovered.certificates[0].status, 'success');
});

lifecycle('deleted secret reports not found, then recovers', async () => {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  const { agent } = start([web.url]);
  await agent.settled(30_000);

  lab.vault.deleteSecret('web');
  const report = await pollAndSettle(agent);

  assert.is(report.certificates[0].reason, 'SecretNotFound');
  assert.ok((await readdir(personalFolder())).includes(`${web.thumbprint}.pem`));

  const back = await lab.publish('web', 'pkcs12-intermediate');
  const recovered = await pollAndSettle(agent);

  assert.is(recovered.certificates[0].status, 'success');
  assert.is(agent.certificates()[0].installed?.thumbprint, back.thumbprint);
});

lifecycle('throttled poll keeps the version and retries', async () => {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  const { agent } = start([web.url]);
  await agent.settled(30_000);

  // The SDK itself retries a 429 that carries Retry-After three times; the fourth response reaches the machine.
  lab.vault.failNext(429, 4, { 'Retry-After': '1' });
  const report = await pollAndSettle(agent);

  assert.is(report.certificates[0].reason, 'Throttled');
  assert.is(lab.vault.requests.filter((request) => request.status === 429).length, 4);
  assert.is(agent.certificates()[0].installed?.thumbprint, web.thumbprint);
  const recovered = await pollAndSettle(agent);
  assert.is(recovered.certificates[0].status, 'success');
});

lifecycle('pinned version is never renewed', async () => {
  const first = await lab.publish('web', 'pkcs12-intermediate');
  const { agent } = start([`${first.url}/${first.version}`]);
  await agent.settled(30_000);

  await lab.publish('web', 'pkcs12-intermediate');
  await pollAndSettle(agent);

  assert.is(agent.certificates()[0].installed?.version, first.version);
  assert.equal((await readdir(personalFolder())).sort(), [`${first.thumbprint}.key`, `${first.thumbprint}.pem`]);
});

lifecycle('retention keeps the newest versions only', async () => {
  const foreign = join(personalFolder(), '0000000000000000000000000000000000000000.pem');
  const versions = [await lab.publish('web', 'pkcs12-intermediate')];
  const { agent, stopRecording } = start([versions[0].url], { retainVersions: 2 });
  await agent.settled(30_000);
  await writeFile(foreign, 'installed by someone else');

  for (let renewal = 0; renewal < 2; renewal++) {
    versions.push(await lab.publish('web', 'pkcs12-intermediate'));
    await pollAndSettle(agent);
  }
  await stopRecording();

  const files = (await readdir(personalFolder())).sort();
  const kept = versions.slice(1).flatMap((item) => [`${item.thumbprint}.key`, `${item.thumbprint}.pem`]);
  assert.equal(files, ['0000000000000000000000000000000000000000.pem', ...kept].sort());
});

lifecycle('keeps every version by default', async () => {
  const versions = [await lab.publish('web', 'pkcs12-intermediate')];
  const { agent } = start([versions[0].url]);
  await agent.settled(30_000);

  versions.push(await lab.publish('web', 'pkcs12-intermediate'));
  versions.push(await lab.publish('web', 'pkcs12-intermediate'));
  await pollAndSettle(agent);

  assert.is((await readdir(personalFolder())).length, 4);
});

lifecycle.run();
