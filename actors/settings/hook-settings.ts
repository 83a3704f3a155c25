// The `hooks` settings: programs kvcert runs after it installs a new version. Set globally in
// `secretsManagementSettings.hooks` and per certificate in `observedCertificates[].hooks`.
import { posix, win32 } from 'node:path';

/** One program to run, without a shell: `command` is the file, `args` its arguments. */
export interface HookCommand {
  command: string;
  args: string[];
  /** Seconds before the hook is killed; unset means 60. */
  timeoutS: number;
}

export interface HookSettings {
  /**
   * Runs after a new version is installed, its key access granted and its renewal linked.
   * `null` in a certificate's hooks turns a global afterInstall off for that certificate.
   */
  afterInstall?: HookCommand | null;
}

export const defaultHookTimeoutS = 60;
export const maxHookTimeoutS = 3600;

const hookNames = ['afterInstall'];
const commandKeys = ['command', 'args', 'timeoutS'];

/** Receives one problem per invalid value; validate-settings.ts prefixes the path. */
export interface ProblemSink {
  add(path: string, value: unknown, message: string): void;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the hook that applies to a certificate: its own afterInstall, or else the global one. */
export function afterInstallHookFor(global: HookSettings | undefined, own: HookSettings | undefined): HookCommand | undefined {
  if (own && 'afterInstall' in own) return own.afterInstall ?? undefined;
  return global?.afterInstall ?? undefined;
}

/** Reads a `hooks` object; unset means no hooks. Adds a problem for every invalid value. */
export function readHooks(value: unknown, path: string, problems: ProblemSink): HookSettings | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    problems.add(path, value, 'must be an object such as {"afterInstall": {"command": "/usr/sbin/nginx", "args": ["-s", "reload"]}}');
    return undefined;
  }

  for (const key of Object.keys(value).filter((name) => !hookNames.includes(name))) {
    problems.add(`${path}.${key}`, value[key], `is not a known hook; the supported hook is ${hookNames.join(', ')}`);
  }
  if (!('afterInstall' in value)) return {};
  if (value.afterInstall === null) return { afterInstall: null };
  return { afterInstall: readHookCommand(value.afterInstall, `${path}.afterInstall`, problems) };
}

function readHookCommand(value: unknown, path: string, problems: ProblemSink): HookCommand | undefined {
  if (!isObject(value)) {
    problems.add(path, value, 'must be an object with command, and optionally args and timeoutS, e.g. {"command": "/usr/sbin/nginx", "args": ["-s", "reload"], "timeoutS": 60}');
    return undefined;
  }

  for (const key of Object.keys(value).filter((name) => !commandKeys.includes(name))) {
    problems.add(`${path}.${key}`, value[key], `is not a hook setting; use ${commandKeys.join(', ')}`);
  }
  const command = readCommand(value.command, value.args, `${path}.command`, problems);
  const args = readArgs(value.args, `${path}.args`, problems);
  const timeoutS = readTimeout(value.timeoutS, `${path}.timeoutS`, problems);
  if (command === undefined || args === undefined || timeoutS === undefined) return undefined;
  return { command, args, timeoutS };
}

function readCommand(value: unknown, args: unknown, path: string, problems: ProblemSink): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(path, value, 'is required: the program to run, e.g. "/usr/sbin/nginx" or "C:\\\\scripts\\\\reload-iis.ps1"');
    return undefined;
  }
  const problem = commandProblem(value, args);
  if (problem) {
    problems.add(path, value, problem);
    return undefined;
  }
  return value;
}

/** Returns why `command` cannot run as given, or undefined when it can. */
function commandProblem(command: string, args: unknown): string | undefined {
  const absolute = posix.isAbsolute(command) || win32.isAbsolute(command);
  if (!absolute && /[\\/]/.test(command)) {
    return 'must be an absolute path or a program name found on PATH; a relative path would depend on the working folder of the agent';
  }
  if (/\.(bat|cmd)$/i.test(command)) {
    return 'is a batch file, which needs cmd.exe, and kvcert runs hooks without a shell; use a .ps1 script or an .exe';
  }
  if (/\s/.test(command) && args === undefined) {
    return 'contains whitespace, but hooks run without a shell: put the program in command and each argument in args, ' +
      'e.g. {"command": "systemctl", "args": ["reload", "nginx"]}. If the path itself contains spaces, set "args": []';
  }
  return undefined;
}

function readArgs(value: unknown, path: string, problems: ProblemSink): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.every((arg) => typeof arg === 'string')) return value as string[];
  problems.add(path, value, 'must be an array of strings, one per argument, e.g. ["-s", "reload"]');
  return undefined;
}

function readTimeout(value: unknown, path: string, problems: ProblemSink): number | undefined {
  if (value === undefined || value === null) return defaultHookTimeoutS;
  const seconds = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > maxHookTimeoutS) {
    problems.add(path, value, `must be a whole number of seconds from 1 to ${maxHookTimeoutS}, e.g. 60`);
    return undefined;
  }
  return seconds;
}
