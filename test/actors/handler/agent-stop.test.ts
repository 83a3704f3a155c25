// stopAgent against real processes that stand in for an agent which no longer responds on
// its control socket.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAgentProcess } from '../../../actors/handler/agent-process.ts';
import { stopAgent } from '../../../actors/handler/agent-stop.ts';
import { handlerPaths } from '../../../actors/handler/handler-state.ts';
import type { HandlerPaths } from '../../../actors/handler/handler-state.ts';
import { silentLogger } from '../../../actors/logger.ts';
import { isAlive } from './handler-fixture.ts';

const stop = suite('agent stop');

const timing = { gracefulMs: 1_000, terminateMs: 1_000, killMs: 2_000, pollMs: 50 };

let work: string;
let paths: HandlerPaths;
const children: ChildProcess[] = [];

/** Starts a Node process that prints "ready" and then idles; `script` runs first. */
async function idleProcess(args: string[], script = ''): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', `${script}; setInterval(() => {}, 1000); console.log('ready')`, '--', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(child);
  await new Promise<void>((done) => child.stdout?.once('data', () => done()));
  return child;
}

stop.before.each(async () => {
  work = await mkdtemp(join(tmpdir(), 'kvcert-stop-'));
  paths = handlerPaths(work);
});

stop.after.each(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await rm(work, { recursive: true, force: true });
});

stop('nothing running is a no-op', async () => {
  assert.is(await stopAgent(paths, silentLogger, timing), 'not-running');
});

stop('stale pid file spares the process', async () => {
  const stranger = await idleProcess([]);
  await writeFile(paths.pidFile, `${stranger.pid}\n`);

  const outcome = await stopAgent(paths, silentLogger, timing);

  assert.is(outcome, 'not-running');
  assert.ok(isAlive(stranger.pid as number));
  assert.is(existsSync(paths.pidFile), false);
});

stop('silent agent gets SIGTERM', async () => {
  const agent = await idleProcess(['--pid-file', paths.pidFile]);
  await writeFile(paths.pidFile, `${agent.pid}\n`);

  const outcome = await stopAgent(paths, silentLogger, timing);

  assert.is(outcome, 'terminated');
  assert.is(isAlive(agent.pid as number), false);
  assert.is(existsSync(paths.pidFile), false);
});

stop('agent ignoring SIGTERM gets SIGKILL', async () => {
  const agent = await idleProcess(['--pid-file', paths.pidFile], "process.on('SIGTERM', () => {})");
  await writeFile(paths.launchRecord, JSON.stringify({ pid: agent.pid, sequence: 0, settingsFile: '/x', agentArgs: [], startedAt: '' }));

  const outcome = await stopAgent(paths, silentLogger, timing);

  assert.is(outcome, 'killed');
  assert.is(isAlive(agent.pid as number), false);
});

stop('command line identifies the agent', async () => {
  const agent = await idleProcess(['--pid-file', paths.pidFile]);
  const stranger = await idleProcess(['--pid-file', join(work, 'other.pid')]);

  assert.is(await isAgentProcess(agent.pid as number, paths.pidFile), true);
  assert.is(await isAgentProcess(stranger.pid as number, paths.pidFile), false);
});

stop.run();
