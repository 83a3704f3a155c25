// The handler commands run as the guest agent runs them: child processes in the handler
// root, with the agent that enable starts syncing from the loopback emulators.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab } from '../../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../../emulators/lab.ts';
import {
  agentPids, eventually, isAlive, killAgents, layOutHandler, readStatus, runHandlerCli, writeHandlerSettings,
} from './handler-fixture.ts';
import type { HandlerLayout } from './handler-fixture.ts';

const lifecycle = suite('handler lifecycle');

let lab: Lab;
let work: string;
let layout: HandlerLayout;
let stateDir: string;
let published: PublishedVersion;
let firstAgent: number;

const env = () => ({ ...process.env, KVCERT_HOME: join(work, 'home') });
const agentFlags = () => ['--store', 'folder', '--store-root', join(work, 'store'), '--ca-file', join(work, 'ca.pem')];
const handler = (verb: string, extra: string[] = []) => runHandlerCli([verb, ...extra], { cwd: layout.root, env: env() });

function publicSettings() {
  return {
    secretsManagementSettings: {
      pollingIntervalInS: '3600',
      requireInitialSync: true,
      observedCertificates: [{ url: published.url, certificateStoreName: 'MY', certificateStoreLocation: 'LocalMachine' }],
    },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  };
}

lifecycle.before(async () => {
  lab = await startLab();
  published = await lab.publish('web', 'pkcs12-intermediate');
  work = await mkdtemp(join(tmpdir(), 'kvcert-handler-'));
  layout = await layOutHandler(work);
  stateDir = join(work, 'home', 'handler');
  await writeFile(join(work, 'ca.pem'), lab.vault.caPem);
  await writeHandlerSettings(layout, 0, publicSettings());
});

lifecycle.after(async () => {
  killAgents(stateDir);
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

// Last resort when a hook fails: the agents are detached and would outlive this process.
process.on('exit', () => {
  if (stateDir) killAgents(stateDir);
});

lifecycle('install creates the state folder twice', async () => {
  const first = await handler('install');
  const second = await handler('install');

  assert.is(first.code, 0, first.stderr);
  assert.is(second.code, 0, second.stderr);
  assert.ok((await stat(stateDir)).isDirectory());
  assert.is(((await stat(stateDir)).mode & 0o777).toString(8), '700');
});

lifecycle('enable returns quickly and starts one agent', async () => {
  const result = await handler('enable', agentFlags());
  const pids = await agentPids(stateDir);

  assert.is(result.code, 0, result.stderr);
  assert.ok(result.elapsedMs < 10_000, `enable took ${result.elapsedMs} ms`);
  assert.match(result.stdout, /kvcert agent started for settings sequence 0 \(pid \d+\)/);
  assert.is(pids.length, 1);
  firstAgent = pids[0];
  assert.is(await readFile(join(layout.root, 'mrseq'), 'utf8'), '0');
});

lifecycle('agent reports success and a heartbeat', async () => {
  const status = await eventually('success in 0.status', async () => {
    const current = await readStatus(layout, 0);
    return current?.status === 'success' ? current : undefined;
  });
  await eventually('the heartbeat file', async () => existsSync(layout.heartbeatFile));

  assert.is(status.operation, 'Enable');
  assert.equal(status.substatus.map((item: { name: string }) => item.name), [published.url]);
  const [heartbeat] = JSON.parse(await readFile(layout.heartbeatFile, 'utf8'));
  assert.is(heartbeat.heartbeat.status, 'ready');
  assert.is((await readFile(join(stateDir, 'agent.pid'), 'utf8')).trim(), String(firstAgent));
  const personal = await readdir(join(work, 'store', 'LocalMachine', 'My'));
  assert.ok(personal.includes(`${published.thumbprint}.pem`), personal.join(', '));
});

lifecycle('enable with the same sequence starts no agent', async () => {
  const result = await handler('enable', agentFlags());

  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, `kvcert agent already runs for settings sequence 0 (pid ${firstAgent})`);
  assert.equal(await agentPids(stateDir), [firstAgent]);
  assert.is((await readStatus(layout, 0)).status, 'success');
});

lifecycle('enable with a new sequence replaces the agent', async () => {
  const settingsFile = await writeHandlerSettings(layout, 1, publicSettings());
  const later = Date.now() / 1000 + 5;
  await utimes(settingsFile, later, later);

  const result = await handler('enable', agentFlags());
  const pids = await agentPids(stateDir);

  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, /started for settings sequence 1/);
  assert.is(isAlive(firstAgent), false);
  assert.is(pids.length, 1);
  assert.is.not(pids[0], firstAgent);
  const status = await eventually('success in 1.status', async () => {
    const current = await readStatus(layout, 1);
    return current?.status === 'success' ? current : undefined;
  });
  assert.is(status.operation, 'Enable');
});

lifecycle('disable stops the agent', async () => {
  const [agent] = await agentPids(stateDir);

  const result = await handler('disable');

  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, 'kvcert agent stopped');
  await eventually('the agent process to exit', async () => !isAlive(agent) || undefined, 5_000);
  assert.is(isAlive(agent), false);
  assert.is(existsSync(join(stateDir, 'agent.pid')), false);
  assert.equal(await agentPids(stateDir), []);
  const status = await readStatus(layout, 1);
  assert.is(status.operation, 'Disable');
  assert.is(status.status, 'success');
});

lifecycle('disable again does nothing', async () => {
  const result = await handler('disable');

  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, 'kvcert agent was not running');
});

lifecycle('uninstall keeps the certificates', async () => {
  const result = await handler('uninstall');

  assert.is(result.code, 0, result.stderr);
  assert.is(existsSync(stateDir), false);
  assert.is(existsSync(join(layout.root, 'mrseq')), false);
  const personal = await readdir(join(work, 'store', 'LocalMachine', 'My'));
  assert.ok(personal.includes(`${published.thumbprint}.pem`), personal.join(', '));
  assert.ok(personal.includes(`${published.thumbprint}.key`), personal.join(', '));
  assert.is((await readdir(join(work, 'store', 'LocalMachine', 'CA'))).length, 1);
});

lifecycle('agent log is in the log folder', async () => {
  const log = await readFile(join(layout.logFolder, 'kvcert-agent.log'), 'utf8');
  const handlerLog = await readFile(join(layout.logFolder, 'kvcert-handler.log'), 'utf8');

  assert.match(log, '"event":"agent.stopping"');
  assert.match(handlerLog, '"event":"agent.started"');
  assert.not.match(log, /eyJ[A-Za-z0-9_-]{10,}/);
});

lifecycle.run();
