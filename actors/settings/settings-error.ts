// Errors in the settings JSON, reported together so a user fixes them in one go.

/** One invalid value: its JSON path, the value found and how to fix it. */
export interface SettingsProblem {
  /** JSON path such as `secretsManagementSettings.observedCertificates[0].url`. */
  path: string;
  /** The value found, rendered as JSON; `undefined` when the field is missing. */
  value: string | undefined;
  message: string;
}

/** Invalid settings. The CLI exits with code 2 and prints every problem. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  readonly problems: SettingsProblem[];
  readonly source: string;

  constructor(source: string, problems: SettingsProblem[]) {
    super(`Invalid settings in ${source}:\n` + problems.map(formatProblem).join('\n'));
    this.source = source;
    this.problems = problems;
  }
}

export function formatProblem(problem: SettingsProblem): string {
  const found = problem.value === undefined ? 'missing' : `found ${problem.value}`;
  return `  ${problem.path}: ${problem.message} (${found})`;
}

/** Renders a value for a message, short enough for one line. */
export function showValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
