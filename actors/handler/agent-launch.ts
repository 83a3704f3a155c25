// Starts `kvcert run` in the background for the handler's enable command: the guest agent
// expects enable to return quickly, and the agent must outlive it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HandlerPaths } from './handler-state.ts';

/** The agent log is moved aside to `<log>.1` at a start when it is larger than this. */
const maxAgentLogBytes = 10 * 1024 * 1024;

export interface AgentLaunch {
  settingsFile: string;
  sequence: number;
  statusFolder: string;
  heartbeatFile: string;
  /** Receives the agent's stdout and stderr (JSON log lines). */
  logFile: string;
  paths: HandlerPaths;
  /** Extra `run` flags such as `--store folder`. */
  agentArgs: string[];
  env?: NodeJS.ProcessEnv;
}

/** Returns the CLI entry next to this folder: `cli.ts` from the sources, `cli.js` from the build. */
export function cliEntryPath(): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`../cli${extension}`, import.meta.url));
}

/**
 * Builds the agent's command line: the same Node executable and Node flags as this process
 * (so a test's `--import` guard reaches the agent too), minus inspector flags, whose port
 * the agent would compete for.
 */
export function agentCommandLine(launch: AgentLaunch): { command: string; args: string[] } {
  const nodeFlags = process.execArgv.filter((flag) => !flag.startsWith('--inspect'));
  const args = [
    ...nodeFlags, cliEntryPath(), 'run',
    '--settings', launch.settingsFile,
    '--status-dir', launch.statusFolder,
    '--sequence', String(launch.sequence),
    '--heartbeat-file', launch.heartbeatFile,
    '--state-file', launch.paths.stateFile,
    '--control', launch.paths.controlPath,
    '--pid-file', launch.paths.pidFile,
    ...launch.agentArgs,
  ];
  return { command: process.execPath, args };
}

// NOTE: the log is only moved aside when an agent starts, so one agent that runs for months
// keeps appending to the same file.
async function rotateLog(logFile: string): Promise<void> {
  try {
    if ((await stat(logFile)).size > maxAgentLogBytes) await rename(logFile, `${logFile}.1`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
}

/** A started agent. `exitCode()` is undefined while it runs, then its exit code, or null after a signal. */
export interface StartedAgent {
  pid: number;
  exitCode(): number | null | undefined;
  /** Stops watching, so that this process can exit while the agent goes on. */
  release(): void;
}

// NOTE: never run on Windows. Whether the Windows guest agent lets a detached child outlive
// the enable command (it may run commands in a job object that ends with them) is unverified.
/**
 * Spawns the agent detached (its own session on Unix, so that a signal to the enable
 * command's process group, e.g. on a timeout, does not reach it), with its output appended
 * to the log file.
 */
export async function startAgent(launch: AgentLaunch): Promise<StartedAgent> {
  await mkdir(dirname(launch.logFile), { recursive: true });
  await rotateLog(launch.logFile);
  const { command, args } = agentCommandLine(launch);
  const log = openSync(launch.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      cwd: launch.paths.stateDir,
      env: launch.env ?? process.env,
      detached: true,
      stdio: ['ignore', log, log],
      windowsHide: true,
    });
    await spawned(child);
  } finally {
    closeSync(log);
  }

  let exit: number | null | undefined;
  child.once('exit', (code) => { exit = code; });
  return {
    pid: child.pid as number,
    exitCode: () => exit,
    release: () => {
      child.removeAllListeners();
      child.unref();
    },
  };
}
