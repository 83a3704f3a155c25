// `kvcert validate SETTINGS`: every check of the settings that needs no network, with all
// problems listed at once. Exit code 2 when there is any, 0 with a short summary otherwise.
import { parseArgs } from 'node:util';
import { UsageError } from '../cli-options.ts';
import { loadSettingsFile } from '../settings/load-settings.ts';
import { formatProblem, SettingsError } from '../settings/settings-error.ts';
import type { Settings } from '../settings/settings.ts';
import { checkHookCommands, countHooked } from './hook-command-check.ts';

export const validateHelp = `  kvcert validate SETTINGS                check a settings file without contacting Key Vault; exit 2 on problems`;

function settingsPathOf(args: string[]): string {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { settings: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const paths = [...parsed.positionals, ...(parsed.values.settings ? [parsed.values.settings] : [])];
  if (paths.length !== 1) throw new UsageError('give exactly one settings file: kvcert validate SETTINGS');
  return paths[0];
}

function summaryOf(path: string, settings: Settings): string {
  const count = settings.observedCertificates.length;
  const lines = [
    `${path}: valid settings.`,
    `  ${count} observed certificate${count === 1 ? '' : 's'}, polled every ${settings.pollingIntervalS} s`,
    `  requireInitialSync ${settings.requireInitialSync}, linkOnRenewal ${settings.linkOnRenewal}, ` +
      `retainVersions ${settings.retainVersions ?? 'all'}`,
    `  afterInstall hook for ${countHooked(settings)} of ${count} certificates`,
    `  token endpoint ${settings.msiEndpoint}${settings.msiClientId ? `, client ID ${settings.msiClientId}` : ''}`,
  ];
  return lines.join('\n');
}

export async function runValidate(args: string[]): Promise<number> {
  const path = settingsPathOf(args);
  let validated;
  try {
    validated = await loadSettingsFile(path);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    const count = error.problems.length;
    process.stderr.write(`${path}: ${count} problem${count === 1 ? '' : 's'} in the settings:\n${error.problems.map(formatProblem).join('\n')}\n`);
    return 2;
  }

  process.stdout.write(`${summaryOf(path, validated.settings)}\n`);
  for (const note of validated.notes) process.stdout.write(`Note: ${note}\n`);
  for (const warning of await checkHookCommands(validated.settings)) process.stdout.write(`Warning: ${warning}\n`);
  return 0;
}
