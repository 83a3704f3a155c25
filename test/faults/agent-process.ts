// A `kvcert run` child process for the fault tests, with its files in a temporary folder,
// its log kept in memory and helpers to poke it and read its status.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot, runCli } from '../e2e/cli-runner.ts';
import type { CliResult } from '../e2e/cli-runner.ts';

/** The files one agent uses, all inside `work`. */
export interface AgentFiles {
  work: string;
  settings: string;
  store: string;
  status: string;
  state: string;
  control: string;
  ca: string;
}

export interface Substatus {
  name: string;
  status: string;
  formattedMessage: { message: string };
}

/** Creates a temporary folder with a settings file that observes `urls` through `tokenEndpoint`, and the CA file. */
export async function createAgentFiles(urls: string[], tokenEndpoint: string, caPem: string): Promise<AgentFiles> {
  const work = await mkdtemp(join(tmpdir(), 'kvcert-faults-'));
  const files: AgentFiles = {
    work,
    settings: join(work, 'settings.json'),
    store: join(work, 'store'),
    status: join(work, 'status'),
    state: join(work, 'state.json'),
    control: join(work, 'kvcert.sock'),
    ca: join(work, 'ca.pem'),
  };
  await writeSettings(files, urls, tokenEndpoint);
  await writeFile(files.ca, caPem);
  return files;
}

export async function writeSettings(files: AgentFiles, urls: string[], tokenEndpoint: string): Promise<void> {
  await writeFile(files.settings, JSON.stringify({
    secretsManagementSettings: { observedCertificates: urls, pollingIntervalInS: '3600' },
    authenticationSettings: { msiEndpoint: tokenEndpoint },
  }));
}

/** Returns the flags of `kvcert run` and `kvcert sync` for `files`, with the folder store. */
export function agentFlags(files: AgentFiles): string[] {
  return ['--settings', files.settings, '--store', 'folder', '--store-root', files.store, '--status-dir', files.status,
    '--state-file', files.state, '--control', files.control, '--ca-file', files.ca];
}

/** Names of the log events and stderr texts that mean the agent lost track of an error. */
export const crashMarkers = /unhandledRejection|uncaughtException|UnhandledPromiseRejection|ERR_UNHANDLED_REJECTION/;

/** A running `kvcert run`. */
export class AgentProcess {
  readonly files: AgentFiles;
  readonly child: ChildProcess;
  log = '';
  exitCode: number | null = null;
  readonly exited: Promise<number | null>;

  constructor(files: AgentFiles, extraArgs: string[] = []) {
    this.files = files;
    this.child = spawn(process.execPath,
      ['--import', join(repoRoot, 'test/network-guard.ts'), join(repoRoot, 'actors/cli.ts'), 'run', ...agentFlags(files), ...extraArgs],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk) => { this.log += chunk; });
    this.child.stderr!.on('data', (chunk) => { this.log += chunk; });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => { this.exitCode = code; resolve(code); }));
  }

  alive(): boolean {
    return this.exitCode === null && this.child.signalCode === null;
  }

  /** Returns the log's JSON lines from character `from` on. Other lines, such as a stack trace, are skipped. */
  events(from = 0): Array<Record<string, unknown>> {
    return this.log.slice(from).split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  syncNow(): Promise<CliResult> {
    return runCli(['sync', '--now', '--control', this.files.control], 15_000);
  }

  async substatus(): Promise<Substatus[]> {
    const text = await readFile(join(this.files.status, '0.status'), 'utf8');
    return (JSON.parse(text) as Array<{ status: { substatus: Substatus[] } }>)[0].status.substatus;
  }

  async substatusOf(url: string): Promise<Substatus | undefined> {
    return (await this.substatus()).find((item) => item.name === url);
  }

  /** Stops with SIGTERM, or SIGKILL after `graceMs`, and returns the exit code. */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (!this.alive()) return this.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Calls `check` every 100 ms until it returns true; fails after `timeoutMs` with `describe()` in the message. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describe()}`);
}

export async function removeAgentFiles(files: AgentFiles | undefined): Promise<void> {
  if (files) await rm(files.work, { recursive: true, force: true });
}
