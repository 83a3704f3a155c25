// The Stately bridge on loopback only: what kvcert would hand to Stately's inspector. The
// bridge page itself loads stately.ai, so no test opens it in a browser.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StatelyInspectionEvent } from '@statelyai/inspect';
import { startLab } from '../../emulators/lab.ts';
import type { Lab } from '../../emulators/lab.ts';
import { FolderCertificateStore } from '../../adapters/folder-store/folder-store.ts';
import type { Agent } from '../../actors/agent.ts';
import { silentLogger } from '../../actors/logger.ts';
import { createAgent } from '../../actors/runtime.ts';
import { validateSettings } from '../../actors/settings/validate-settings.ts';
import { StatelyFeed } from '../../actors/inspector/stately-feed.ts';
import { redactSnapshot } from '../../actors/inspector/stately-redaction.ts';
import { statelyPagePolicy } from '../../actors/inspector/stately-page.ts';
import { startInspector } from '../../actors/inspector/start-inspector.ts';
import type { RunningInspector } from '../../actors/inspector/start-inspector.ts';

const stately = suite('inspector stately bridge');

const certificateKeys = ['url', 'state', 'version', 'thumbprint', 'notAfter', 'attempt', 'reason', 'message', 'warnings'];

let lab: Lab;
let work: string;
let agent: Agent | undefined;
let inspector: RunningInspector | undefined;

stately.before.each(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-stately-'));
});

stately.after.each(async () => {
  await agent?.stop(5_000);
  await inspector?.stop();
  agent = undefined;
  inspector = undefined;
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

async function newAgent(): Promise<{ agent: Agent; url: string }> {
  const web = await lab.publish('web', 'pkcs12-intermediate');
  const { settings } = validateSettings({
    secretsManagementSettings: { observedCertificates: [web.url] },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }, 'test');
  agent = createAgent(settings, { store: new FolderCertificateStore(join(work, 'store')), trustedCaPem: lab.vault.caPem, logger: silentLogger });
  return { agent, url: web.url };
}

stately('events hold only ids, states, definitions and allow-listed fields', async () => {
  const { agent, url } = await newAgent();
  const feed = new StatelyFeed((error) => { throw error; });
  const events: StatelyInspectionEvent[] = [];
  feed.events$.subscribe((event) => events.push(event));
  agent.addInspector(feed.observe);

  agent.start();
  await agent.settled(30_000);
  // @statelyai/inspect converts each event on a later timer tick.
  await sleep(50);

  const text = JSON.stringify(events);
  assert.not.match(text, /PRIVATE KEY/);
  assert.not.match(text, /payload/);
  for (const token of lab.tokens.issuedTokens) assert.not.ok(text.includes(token), 'an event contains an access token');
  const certificateSnapshots = events.filter((event) => event.type === '@xstate.snapshot' && (event.snapshot as { context?: { url?: string } }).context?.url === url);
  const states = certificateSnapshots.map((event) => (event as { snapshot: { value: string } }).snapshot.value).filter((state, index, all) => state !== all[index - 1]);
  assert.equal(states, ['idle', 'fetching', 'installing', 'acl', 'linked', 'idle']);
  for (const event of certificateSnapshots) {
    const keys = Object.keys((event as { snapshot: { context: object } }).snapshot.context);
    assert.ok(keys.every((key) => certificateKeys.includes(key)), `unexpected context keys ${keys.join(', ')}`);
  }
  for (const event of events.filter((item) => item.type === '@xstate.event')) {
    assert.equal(Object.keys((event as { event: object }).event), ['type']);
  }
});

stately('actor registration carries the machine definition', async () => {
  const { agent, url } = await newAgent();
  const feed = new StatelyFeed();
  agent.addInspector(feed.observe);
  await sleep(50);

  const registrations = feed.initial().filter((event) => event.type === '@xstate.actor');

  const certificate = registrations.find((event) => event.type === '@xstate.actor' && event.name === url);
  assert.ok(certificate, 'no registration for the certificate actor');
  const definition = JSON.parse((certificate as { definition: string }).definition);
  assert.is(definition.id, 'certificate');
  // safe-stable-stringify, which @statelyai/inspect uses, sorts keys.
  assert.equal(Object.keys(definition.states), ['acl', 'errorBackoff', 'fetching', 'idle', 'installing', 'linked']);
  assert.ok(registrations.some((event) => event.type === '@xstate.actor' && event.name === 'extension'));
});

stately('promise actor snapshots lose their input and output', () => {
  const snapshot = { status: 'done', output: { payload: 'secret' }, input: { candidate: { payload: 'secret' } } };

  assert.equal(redactSnapshot(snapshot as never), { status: 'done', value: undefined, context: {} });
});

stately('run with stately serves the bridge page on loopback', async () => {
  const { agent } = await newAgent();
  const printed: string[] = [];
  inspector = await startInspector(agent, { port: 0, stately: true }, silentLogger, (line) => printed.push(line));
  await sleep(50);

  const page = await fetch(`${inspector.url}stately`);
  const body = await page.text();
  const stream = await fetch(`${inspector.url}stately/events`);
  const reader = stream.body!.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();

  assert.is(printed.join(''), `kvcert inspector: ${inspector.url} (Stately bridge: ${inspector.url}stately)\n`);
  assert.is(page.headers.get('content-security-policy'), statelyPagePolicy);
  assert.match(body, '<iframe id="stately-inspector" src="https://stately.ai/inspect"');
  assert.match(first, 'retry: 2000');
});

stately('local inspector leaves the bridge out', async () => {
  const { agent } = await newAgent();
  inspector = await startInspector(agent, { port: 0, stately: false }, silentLogger, () => {});

  const bridge = await fetch(`${inspector.url}stately`);
  const page = await (await fetch(inspector.url)).text();

  assert.is(bridge.status, 404);
  assert.match(page, 'data-machine="extension"');
  assert.match(page, 'data-machine="certificate"');
});

stately.run();
