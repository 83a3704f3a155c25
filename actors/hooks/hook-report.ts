// The text of a hook's outcome in the log and in the certificate's status.
import type { LogRecord } from '../logger.ts';
import type { HookCommand } from '../settings/hook-settings.ts';
import type { HookOutcome } from './run-hook.ts';

/** Output characters a status warning carries; the log line carries all that was kept. */
const maxWarningOutputChars = 1024;

/** Returns the log fields of a finished hook: exit code, duration and the kept output, never the environment. */
export function hookLogFields(hook: HookCommand, outcome: HookOutcome): LogRecord {
  return {
    hook: 'afterInstall',
    command: hook.command,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut || undefined,
    durationMs: outcome.durationMs,
    output: outcome.output === '' ? undefined : outcome.output + (outcome.outputTruncated ? ' [TRUNCATED]' : ''),
    message: outcome.startError,
  };
}

/** Returns the warning a failed hook adds to the certificate's status: what failed, then the start of its output. */
export function hookWarning(hook: HookCommand, outcome: HookOutcome): string {
  const output = outcome.output.trim().replace(/\s+/g, ' ');
  const shown = output.length > maxWarningOutputChars ? `${output.slice(0, maxWarningOutputChars)} ...` : output;
  return `afterInstall hook ${hook.command} ${failureOf(hook, outcome)}; the certificate stays installed` + (shown ? `. Output: ${shown}` : '');
}

function failureOf(hook: HookCommand, outcome: HookOutcome): string {
  if (outcome.timedOut) return `timed out after ${hook.timeoutS} s and was killed`;
  if (outcome.startError) return `could not start (${outcome.startError})`;
  if (outcome.exitCode === undefined) return `was ended by signal ${outcome.signal ?? 'unknown'}`;
  return `exited with code ${outcome.exitCode}`;
}
