// Runs one store script (a .ps1 file next to this module) in PowerShell. The request goes in as
// one JSON object on stdin, so PFX bytes never appear on a command line. The script prints one
// JSON line on stdout and sets the exit codes listed in store-common.ps1.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { StoreError } from '../store.ts';

export type StoreScript = 'install-certificate' | 'list-certificates' | 'grant-key-access' | 'link-renewal' | 'remove-certificate';

export interface PowerShellOptions {
  /** PowerShell executable; unset means KVCERT_POWERSHELL, else powershell.exe (5.1) on Windows and pwsh elsewhere. */
  powershell?: string;
  /** Time one script may run before it is killed; unset means 120 000 ms. */
  timeoutMs?: number;
}

/** Context for a StoreError: the store step, the certificate URL and the action in words. */
export interface ScriptCall {
  step: StoreError['step'];
  certificateUrl: string;
  action: string;
}

/** Exit codes of the store scripts that the adapter branches on. */
export const scriptExitCode = { invalidRequest: 2, verify: 6 } as const;

const defaultTimeoutMs = 120_000;
const accessDeniedHresult = -2147024891;

/** Returns the PowerShell to run: KVCERT_POWERSHELL, else Windows PowerShell 5.1 on Windows, else pwsh. */
export function defaultPowerShell(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.KVCERT_POWERSHELL) return env.KVCERT_POWERSHELL;
  if (platform !== 'win32') return 'pwsh';
  return `${env.SystemRoot ?? 'C:\\Windows'}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`;
}

/** Returns the path of a store script shipped next to this module. */
export function scriptPath(script: StoreScript): string {
  return fileURLToPath(new URL(`./${script}.ps1`, import.meta.url));
}

/**
 * Runs `script` with `request` on stdin and returns its result object. Throws StoreError when the
 * script cannot start, times out, prints no result or reports a failure. The request may hold
 * secret material: it is never logged or put into an error.
 */
export async function runStoreScript<T>(script: StoreScript, request: object, call: ScriptCall, options: PowerShellOptions = {}): Promise<T> {
  const path = scriptPath(script);
  if (!existsSync(path)) throw new StoreError(call.certificateUrl, call.step, `${call.action} failed: the script ${path} is missing.`);

  const executable = options.powershell ?? defaultPowerShell();
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const result = await execa(executable, ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', path], {
    input: `${JSON.stringify(request)}\n`,
    encoding: 'utf8',
    reject: false,
    timeout: timeoutMs,
    windowsHide: true,
  });

  if (result.timedOut) {
    throw new StoreError(call.certificateUrl, call.step, `${call.action} failed: ${script}.ps1 timed out after ${timeoutMs} ms.`);
  }
  if (result.exitCode === undefined) {
    const code = (result as { code?: unknown }).code ?? result.signal ?? 'no exit code';
    throw new StoreError(call.certificateUrl, call.step,
      `${call.action} failed: PowerShell (${executable}) did not run to the end (${String(code)}). ` +
      'Install PowerShell or set KVCERT_POWERSHELL to its path.');
  }
  return readResult<T>(result.exitCode, result.stdout, result.stderr, script, call);
}

interface ScriptResult {
  ok?: unknown;
  message?: unknown;
  hresult?: unknown;
}

function readResult<T>(exitCode: number, stdout: string, stderr: string, script: StoreScript, call: ScriptCall): T {
  const parsed = lastJsonLine(stdout);
  if (parsed === undefined) {
    const detail = stderr.trim().slice(0, 500) || 'no output';
    throw new StoreError(call.certificateUrl, call.step, `${call.action} failed: ${script}.ps1 exited with code ${exitCode} without a result: ${detail}`);
  }
  if (exitCode === 0 && parsed.ok === true) return parsed as T;

  const step = exitCode === scriptExitCode.verify ? 'verify' : call.step;
  const message = typeof parsed.message === 'string' ? parsed.message : 'no message';
  throw new StoreError(call.certificateUrl, step, `${call.action} failed: ${message} (exit code ${exitCode})${hint(parsed.hresult)}`);
}

/** Parses the last non-empty stdout line: PowerShell may print warnings before the result. */
function lastJsonLine(stdout: string): ScriptResult | undefined {
  const line = stdout.trim().split(/\r?\n/).at(-1);
  if (!line) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? value as ScriptResult : undefined;
  } catch {
    return undefined;
  }
}

function hint(hresult: unknown): string {
  if (hresult !== accessDeniedHresult) return '';
  return '. Run kvcert as LocalSystem or an administrator to write LocalMachine stores and key files.';
}
