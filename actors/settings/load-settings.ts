// Reads a settings file from disk and validates it.
import { readFile } from 'node:fs/promises';
import { SettingsError } from './settings-error.ts';
import { validateSettings } from './validate-settings.ts';
import type { ValidatedSettings } from './validate-settings.ts';

/** Reads and validates the settings file at `path`. Throws SettingsError for unreadable or invalid JSON too. */
export async function loadSettingsFile(path: string): Promise<ValidatedSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    throw new SettingsError(path, [{ path: '(file)', value: undefined, message: `cannot be read: ${reason}` }]);
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new SettingsError(path, [{ path: '(file)', value: undefined, message: `is not valid JSON: ${(error as Error).message}` }]);
  }
  return validateSettings(raw, path);
}
