// Status files that the handler commands write themselves, in the same format as the agent:
// before the agent's first report, for settings the agent cannot run with, and on disable.
import type { StatusReport } from '../../machines/status-rollup.ts';
import { formatProblem } from '../settings/settings-error.ts';
import type { SettingsError } from '../settings/settings-error.ts';
import { writeStatusFile } from '../status/status-file.ts';

/** `status.name`; the agent writes the same name. */
const statusName = 'KeyVaultForWindows';

export type HandlerOperation = 'Enable' | 'Disable';

/** Writes `<statusFolder>/<sequence>.status` and returns its path. */
export function writeHandlerStatus(statusFolder: string, sequence: number, report: StatusReport, operation: HandlerOperation): Promise<string> {
  const now = new Date();
  return writeStatusFile(statusFolder, sequence, report, { name: statusName, operation, now, configurationAppliedTime: now });
}

function runningNote(runningSequence: number | undefined): string {
  return runningSequence === undefined ? '' : ` The agent started for sequence ${runningSequence} keeps running with its settings.`;
}

/** Builds the error for a zero-byte settings file, which the guest agent writes when the extension was added without settings. */
export function noSettingsReport(settingsFile: string, runningSequence?: number): StatusReport {
  return {
    status: 'Error',
    reason: 'NoSettings',
    message: `The extension has no settings, so no agent was started: ${settingsFile} is empty. ` +
      'Set secretsManagementSettings.observedCertificates in the extension settings.' + runningNote(runningSequence),
    certificates: [],
  };
}

/** Invalid settings: the message lists every problem, and each problem is also a substatus named by its JSON path. */
export function invalidSettingsReport(error: SettingsError, runningSequence?: number): StatusReport {
  return {
    status: 'Error',
    reason: 'InvalidSettings',
    message: `No agent was started because the settings are invalid.${runningNote(runningSequence)} ${error.message}`,
    certificates: error.problems.map((problem) => ({
      url: problem.path,
      status: 'error' as const,
      reason: 'InvalidSettings',
      message: formatProblem(problem).trim(),
    })),
  };
}

export function startingReport(sequence: number): StatusReport {
  return { status: 'Transitioning', reason: 'Starting', message: `Starting the kvcert agent for settings sequence ${sequence}`, certificates: [] };
}

export function disabledReport(): StatusReport {
  return { status: 'Ready', reason: 'Disabled', message: 'The kvcert agent is stopped; installed certificates stay in place', certificates: [] };
}
