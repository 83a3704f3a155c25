import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import { UsageError } from '../../../actors/cli-options.ts';
import { agentCommandLine, cliEntryPath } from '../../../actors/handler/agent-launch.ts';
import { parseHandlerArgs } from '../../../actors/handler/handler-options.ts';
import { handlerPaths } from '../../../actors/handler/handler-state.ts';
import { repoRoot } from './handler-fixture.ts';

const options = suite('handler options');

options('agent flags pass through with absolute paths', () => {
  const parsed = parseHandlerArgs(['enable', '--store', 'folder', '--store-root', 'store', '--ca-file', 'ca.pem', '--log-level', 'debug']);

  assert.is(parsed.verb, 'enable');
  assert.equal(parsed.agentArgs, ['--store', 'folder', '--store-root', resolve('store'), '--ca-file', resolve('ca.pem'), '--log-level', 'debug']);
  assert.is(parsed.logLevel, 'debug');
});

options('state folder defaults under KVCERT_HOME', () => {
  const home = process.env.KVCERT_HOME;
  process.env.KVCERT_HOME = '/srv/kvcert-home';
  try {
    assert.is(parseHandlerArgs(['install']).stateDir, '/srv/kvcert-home/handler');
  } finally {
    if (home === undefined) delete process.env.KVCERT_HOME;
    else process.env.KVCERT_HOME = home;
  }
});

options('invalid store is a usage error', () => {
  assert.throws(() => parseHandlerArgs(['enable', '--store', 'registry']), (error: Error) =>
    error instanceof UsageError && error.message === "--store must be 'windows' or 'folder', not 'registry'");
});

options('positional arguments are rejected', () => {
  assert.throws(() => parseHandlerArgs(['enable', 'extra']), (error: Error) => error instanceof UsageError && error.message.includes("'extra'"));
});

options('long socket path is rejected', () => {
  assert.throws(() => handlerPaths(`/tmp/${'x'.repeat(100)}`), (error: Error) =>
    error instanceof UsageError && error.message.includes('choose a shorter --state-dir or KVCERT_HOME'));
});

options('state files live in the state folder', () => {
  const paths = handlerPaths('/var/lib/kvcert/handler');

  assert.is(paths.stateFile, '/var/lib/kvcert/handler/state.json');
  assert.is(paths.pidFile, '/var/lib/kvcert/handler/agent.pid');
  assert.is(paths.controlPath, '/var/lib/kvcert/handler/kvcert.sock');
});

options('agent command line names every handler file', () => {
  const paths = handlerPaths('/state');

  const { command, args } = agentCommandLine({
    settingsFile: '/h/config/3.settings', sequence: 3, statusFolder: '/h/status', heartbeatFile: '/h/heartbeat.log',
    logFile: '/log/kvcert-agent.log', paths, agentArgs: ['--store', 'folder'],
  });

  assert.is(command, process.execPath);
  const cli = args.indexOf(cliEntryPath());
  assert.is(cliEntryPath(), join(repoRoot, 'actors', 'cli.ts'));
  assert.equal(args.slice(cli + 1), [
    'run', '--settings', '/h/config/3.settings', '--status-dir', '/h/status', '--sequence', '3',
    '--heartbeat-file', '/h/heartbeat.log', '--state-file', '/state/state.json', '--control', '/state/kvcert.sock',
    '--pid-file', '/state/agent.pid', '--store', 'folder',
  ]);
  assert.equal(args.slice(0, cli), process.execArgv.filter((flag) => !flag.startsWith('--inspect')));
});

options.run();
