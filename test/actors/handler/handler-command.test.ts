// The handler commands run in process for the paths that start no agent.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHandler } from '../../../actors/handler/handler-command.ts';
import type { HandlerContext } from '../../../actors/handler/handler-context.ts';
import { killAgents, layOutHandler, readStatus, writeHandlerSettings } from './handler-fixture.ts';
import type { HandlerLayout } from './handler-fixture.ts';

const command = suite('handler command');

let work: string;
let layout: HandlerLayout;
let stateDir: string;
let output: { stdout: string; stderr: string };

function context(env: NodeJS.ProcessEnv = {}): HandlerContext {
  return {
    env,
    cwd: work,
    stdout: (text) => { output.stdout += text; },
    stderr: (text) => { output.stderr += text; },
    stopTiming: { gracefulMs: 2_000, terminateMs: 2_000, killMs: 2_000, pollMs: 50 },
    startupWaitMs: 1_000,
  };
}

const run = (verb: string, env: NodeJS.ProcessEnv = {}) =>
  runHandler([verb, '--handler-root', layout.root, '--state-dir', stateDir], context(env));

const validSettings = {
  secretsManagementSettings: {
    observedCertificates: [{ url: 'https://127.0.0.1:8443/secrets/web', certificateStoreName: 'MY', certificateStoreLocation: 'LocalMachine' }],
  },
  authenticationSettings: { msiEndpoint: 'http://127.0.0.1:1/token' },
};

command.before.each(async () => {
  work = await mkdtemp(join(tmpdir(), 'kvcert-handler-cmd-'));
  layout = await layOutHandler(work);
  stateDir = join(work, 'state');
  output = { stdout: '', stderr: '' };
});

command.after.each(async () => {
  killAgents(stateDir);
  await rm(work, { recursive: true, force: true });
});

command('invalid settings give an error status', async () => {
  await writeHandlerSettings(layout, 0, {
    ...validSettings,
    secretsManagementSettings: { observedCertificates: [{ url: 'https://127.0.0.1:8443/secrets/web', certificateStoreLocation: 'localmachine' }] },
  });

  const code = await run('enable');

  assert.is(code, 2);
  const status = await readStatus(layout, 0);
  const field = 'runtimeSettings[0].handlerSettings.publicSettings.secretsManagementSettings.observedCertificates[0].certificateStoreLocation';
  assert.is(status.status, 'error');
  assert.is(status.operation, 'Enable');
  assert.match(status.formattedMessage.message, /^No agent was started because the settings are invalid\. Invalid settings in /);
  assert.match(status.formattedMessage.message, `${field}: must be 'LocalMachine' or 'CurrentUser'`);
  assert.equal(status.substatus.map((item: { name: string }) => item.name), [field]);
  assert.is(status.substatus[0].status, 'error');
  assert.match(output.stderr, field);
  assert.is(existsSync(join(stateDir, 'agent.json')), false);
  assert.is(await readFile(join(layout.root, 'mrseq'), 'utf8'), '0');
});

command('empty settings file reports no settings', async () => {
  await writeFile(join(layout.configFolder, '0.settings'), '');

  const code = await run('enable');

  assert.is(code, 2);
  const status = await readStatus(layout, 0);
  assert.is(status.status, 'error');
  assert.match(status.formattedMessage.message, `The extension has no settings, so no agent was started: ${join(layout.configFolder, '0.settings')} is empty.`);
  assert.is(existsSync(join(stateDir, 'agent.json')), false);
});

command('ConfigSequenceNumber names the status file', async () => {
  await writeFile(join(layout.configFolder, '3.settings'), '');
  await writeHandlerSettings(layout, 4, validSettings);
  await utimes(join(layout.configFolder, '3.settings'), 1_000, 1_000);

  const code = await run('enable', { ConfigSequenceNumber: '3' });

  assert.is(code, 2);
  assert.is((await readStatus(layout, 3)).status, 'error');
  assert.is(await readStatus(layout, 4), undefined);
});

command('enable without HandlerEnvironment.json fails', async () => {
  await rm(join(layout.root, 'HandlerEnvironment.json'));

  const code = await run('enable');

  assert.is(code, 1);
  assert.match(output.stderr, `kvcert handler enable: HandlerEnvironment.json not found in ${layout.root}. Check --handler-root.`);
});

command('enable without settings files fails', async () => {
  const code = await run('enable');

  assert.is(code, 1);
  assert.match(output.stderr, `No <n>.settings file in ${layout.configFolder}`);
});

command('disable with no agent writes a Disable status', async () => {
  await writeHandlerSettings(layout, 2, validSettings);

  const code = await run('disable');

  assert.is(code, 0);
  assert.match(output.stdout, 'kvcert agent was not running');
  const status = await readStatus(layout, 2);
  assert.is(status.operation, 'Disable');
  assert.is(status.status, 'success');
});

command('disable without HandlerEnvironment.json succeeds', async () => {
  await rm(join(layout.root, 'HandlerEnvironment.json'));

  const code = await run('disable');

  assert.is(code, 0);
  assert.match(output.stderr, '"event":"handler.environment_unavailable"');
});

command('install is idempotent', async () => {
  assert.is(await run('install'), 0);
  assert.is(await run('install'), 0);

  assert.ok(existsSync(stateDir));
});

command('uninstall removes only its own files', async () => {
  await run('install');
  await writeFile(join(stateDir, 'state.json'), '{"schemaVersion":1,"certificates":{}}');
  await writeFile(join(stateDir, 'notes.txt'), 'kept');
  await writeFile(join(layout.root, 'mrseq'), '5');

  const code = await run('uninstall');

  assert.is(code, 0);
  assert.is(existsSync(join(stateDir, 'state.json')), false);
  assert.is(existsSync(join(layout.root, 'mrseq')), false);
  assert.is(await readFile(join(stateDir, 'notes.txt'), 'utf8'), 'kept');
});

command('uninstall during an update keeps the state', async () => {
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(stateDir, 'state.json'), '{"schemaVersion":1,"certificates":{}}');

  const updated = await run('update', { AZURE_GUEST_AGENT_UPDATING_FROM_VERSION: '1.0.0', VERSION: '1.1.0' });
  const uninstalled = await run('uninstall');

  assert.is(updated, 0);
  assert.is(uninstalled, 0);
  assert.ok(existsSync(join(stateDir, 'state.json')));
  assert.match(output.stdout, 'kvcert handler uninstalled for an update; state kept');
  const marker = JSON.parse(await readFile(join(stateDir, 'update-in-progress.json'), 'utf8'));
  assert.is(marker.fromVersion, '1.0.0');
  assert.is(marker.toVersion, '1.1.0');
});

command('install after an update clears the marker', async () => {
  await run('update', { AZURE_GUEST_AGENT_UPDATING_FROM_VERSION: '1.0.0' });

  await run('install');
  await writeFile(join(stateDir, 'state.json'), '{}');
  await run('uninstall');

  assert.is(existsSync(join(stateDir, 'update-in-progress.json')), false);
  assert.is(existsSync(stateDir), false);
});

command('stale update marker is ignored', async () => {
  await mkdir(stateDir, { recursive: true });
  await writeFile(join(stateDir, 'state.json'), '{}');
  await writeFile(join(stateDir, 'update-in-progress.json'), JSON.stringify({ at: '2020-01-01T00:00:00Z' }));

  await run('uninstall');

  assert.is(existsSync(stateDir), false);
});

command('flags set by the handler are rejected', async () => {
  const error = await runHandler(['enable', '--pid-file', 'x'], context()).then(() => undefined, (failure: Error) => failure);

  assert.is(error?.name, 'UsageError');
  assert.is(error?.message, "--pid-file cannot be given to 'kvcert handler': the handler sets it from HandlerEnvironment.json and --state-dir");
});

command('unknown verb is rejected', async () => {
  const error = await runHandler(['start'], context()).then(() => undefined, (failure: Error) => failure);

  assert.is(error?.message, "'kvcert handler' needs one of install, enable, disable, uninstall, update, not 'start'");
});

command.run();
