import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InspectionEvent } from 'xstate';
import { startLab } from '../../emulators/lab.ts';
import type { Lab } from '../../emulators/lab.ts';
import { FolderCertificateStore } from '../../adapters/folder-store/folder-store.ts';
import type { Agent } from '../../actors/agent.ts';
import { silentLogger } from '../../actors/logger.ts';
import { createAgent } from '../../actors/runtime.ts';
import { validateSettings } from '../../actors/settings/validate-settings.ts';
import type { Settings } from '../../actors/settings/settings.ts';
import { InspectionFeed } from '../../actors/inspector/inspection-feed.ts';
import type { FeedMessage } from '../../actors/inspector/inspection-feed.ts';
import { certificateFields } from '../../actors/inspector/inspector-view.ts';
import { eventDescriber } from '../../actors/inspector/statechart-model.ts';
import { certificateMachine } from '../../machines/certificate-machine.ts';
import type { CertificateContext } from '../../machines/certificate-types.ts';

const feedSuite = suite('inspector feed');

let lab: Lab;
let work: string;
let agent: Agent | undefined;

feedSuite.before.each(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-feed-'));
});

feedSuite.after.each(async () => {
  await agent?.stop(5_000);
  agent = undefined;
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

function settingsFor(urls: string[]): Settings {
  return validateSettings({
    secretsManagementSettings: { observedCertificates: urls },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }, 'test').settings;
}

function watch(urls: string[], maxEvents?: number) {
  agent = createAgent(settingsFor(urls), { store: new FolderCertificateStore(join(work, 'store')), trustedCaPem: lab.vault.caPem, logger: silentLogger });
  const feed = new InspectionFeed(agent.report(), { maxEvents, describeEvent: eventDescriber(certificateMachine), onError: (error) => { throw error; } });
  const messages: FeedMessage[] = [];
  feed.messages$.subscribe((message) => messages.push(message));
  agent.addInspector(feed.observe);
  agent.status$.subscribe((report) => feed.updateStatus(report));
  return { agent, feed, messages };
}

feedSuite('first install appears as idle with its changes', async () => {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  const { agent, feed } = watch([web.url]);

  agent.start();
  await agent.settled(30_000);

  const view = feed.view();
  assert.is(view.extension.state, 'ready');
  assert.is(view.status.status, 'Ready');
  assert.is(view.certificates.length, 1);
  const certificate = view.certificates[0];
  assert.is(certificate.state, 'idle');
  assert.is(certificate.version, web.version);
  assert.is(certificate.thumbprint, web.thumbprint);
  assert.equal(certificate.events.map((entry) => entry.to), ['fetching', 'installing', 'acl', 'linked', 'idle']);
  assert.equal(certificate.events.map((entry) => entry.event), ['poll.due', 'fetchSecret done', 'installBundle done', 'grantKeyAccess done', 'linkRenewal done']);
  assert.is(certificate.events[1].thumbprint, web.thumbprint);
});

feedSuite('messages carry no key material although the context does', async () => {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  const { agent, messages } = watch([web.url]);
  let sawPayload = false;
  agent.addInspector((event: InspectionEvent) => {
    if (event.type === '@xstate.snapshot' && (event.snapshot as { context?: Partial<CertificateContext> }).context?.candidate?.payload) sawPayload = true;
  });

  agent.start();
  await agent.settled(30_000);

  assert.ok(sawPayload, 'no snapshot carried a payload, so this test proves nothing');
  const text = JSON.stringify(messages);
  assert.not.match(text, /PRIVATE KEY/);
  assert.not.match(text, /payload/);
  for (const token of lab.tokens.issuedTokens) assert.not.ok(text.includes(token), 'a message contains an access token');
});

feedSuite('context fields are copied by allow-list only', () => {
  const context = {
    url: 'https://vault.example/secrets/web', attempt: 2, warnings: ['expired'], polls: 1,
    candidate: { version: 'v2', unchanged: false, thumbprint: 'AB12', notAfter: '2030-01-01T00:00:00.000Z', payload: { privateKeyPem: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----' } },
    lastError: { reason: 'InstallFailed', message: 'install failed', state: 'installing' },
    secretValue: 'hunter2',
  } as unknown as CertificateContext;

  const fields = certificateFields('installing', context);

  assert.equal(fields, {
    url: 'https://vault.example/secrets/web', state: 'installing', version: 'v2', thumbprint: 'AB12', notAfter: '2030-01-01T00:00:00.000Z',
    attempt: 2, reason: 'InstallFailed', message: 'install failed', warnings: ['expired'],
  });
});

feedSuite('inspector added after start sees the running actors', async () => {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  agent = createAgent(settingsFor([web.url]), { store: new FolderCertificateStore(join(work, 'store')), trustedCaPem: lab.vault.caPem, logger: silentLogger });
  agent.start();
  await agent.settled(30_000);

  const feed = new InspectionFeed(agent.report());
  agent.addInspector(feed.observe);

  assert.is(feed.view().extension.state, 'ready');
  assert.equal(feed.view().certificates.map((certificate) => [certificate.state, certificate.version, certificate.events.length]), [['idle', web.version, 0]]);
});

feedSuite('certificate that leaves the settings is removed', async () => {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  const api = await lab.publish('api', 'pem-ec');
  const { agent, feed, messages } = watch([web.url, api.url]);
  agent.start();
  await agent.settled(30_000);

  agent.reload(settingsFor([api.url]));
  await agent.settled(30_000);

  assert.equal(feed.view().certificates.map((certificate) => certificate.url), [api.url]);
  assert.ok(messages.some((message) => message.type === 'removed' && message.url === web.url));
});

feedSuite('event list keeps only the newest changes', async () => {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  const { agent, feed } = watch([web.url], 3);

  agent.start();
  await agent.settled(30_000);

  assert.equal(feed.view().certificates[0].events.map((entry) => entry.to), ['acl', 'linked', 'idle']);
});

feedSuite.run();
