// A handler folder laid out as the Linux guest agent lays it out, the handler CLI run as a
// child process, and a way to find and end the agents that a test started.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

export interface HandlerLayout {
  root: string;
  configFolder: string;
  statusFolder: string;
  logFolder: string;
  heartbeatFile: string;
}

/** Creates `<work>/handler` with HandlerEnvironment.json and an empty config folder. */
export async function layOutHandler(work: string): Promise<HandlerLayout> {
  const root = join(work, 'handler');
  const layout = {
    root,
    configFolder: join(root, 'config'),
    statusFolder: join(root, 'status'),
    logFolder: join(work, 'log'),
    heartbeatFile: join(root, 'heartbeat.log'),
  };
  await mkdir(layout.configFolder, { recursive: true });
  await writeFile(join(root, 'HandlerEnvironment.json'), JSON.stringify([{
    name: 'Contoso.KvCert',
    version: 1.0,
    handlerEnvironment: {
      logFolder: layout.logFolder,
      configFolder: layout.configFolder,
      statusFolder: layout.statusFolder,
      heartbeatFile: layout.heartbeatFile,
    },
  }]));
  return layout;
}

/** Writes `<configFolder>/<sequence>.settings` in the handler settings form around `publicSettings`. */
export async function writeHandlerSettings(layout: HandlerLayout, sequence: number, publicSettings: unknown): Promise<string> {
  const path = join(layout.configFolder, `${sequence}.settings`);
  await writeFile(path, JSON.stringify({ runtimeSettings: [{ handlerSettings: { publicSettings } }] }));
  return path;
}

/** Reads element 0's `status` of `<statusFolder>/<sequence>.status`, or undefined before it exists. */
export async function readStatus(layout: HandlerLayout, sequence: number): Promise<any> {
  try {
    return JSON.parse(await readFile(join(layout.statusFolder, `${sequence}.status`), 'utf8'))[0].status;
  } catch {
    return undefined;
  }
}

export interface CliResult { code: number; stdout: string; stderr: string; elapsedMs: number }

/** Runs `kvcert handler ...` with the network guard, in `cwd` (the guest agent runs commands in the handler root). */
export function runHandlerCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  const nodeArgs = ['--import', join(repoRoot, 'test/network-guard.ts'), join(repoRoot, 'actors/cli.ts'), 'handler', ...args];
  const started = Date.now();
  return new Promise((done) => {
    execFile(process.execPath, nodeArgs, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 120_000 }, (error, stdout, stderr) => {
      let code = 0;
      if (error) code = typeof error.code === 'number' ? error.code : 1;
      done({ code, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/**
 * Ids of the live processes whose command line has `--pid-file <stateDir>/agent.pid`: the
 * agents of this state folder. Synchronous so that an exit handler can use it.
 */
export function agentPidsSync(stateDir: string): number[] {
  const pidFile = join(stateDir, 'agent.pid');
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const flag = args.indexOf('--pid-file');
      if (flag >= 0 && args[flag + 1] === pidFile) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

export async function agentPids(stateDir: string): Promise<number[]> {
  return agentPidsSync(stateDir);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Ends every agent of this state folder with SIGKILL, by id; for cleanup after a test, even a failed one. */
export function killAgents(stateDir: string): void {
  if (!existsSync('/proc/self/cmdline')) return;
  for (const pid of agentPidsSync(stateDir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Polls `check` until it returns a value other than undefined or false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 250));
  }
}
