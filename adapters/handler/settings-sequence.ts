// Chooses which `<configFolder>/<n>.settings` file the handler applies, and remembers the
// last sequence number it processed in `mrseq`, the file the Linux guest agent copies from
// the old handler folder to the new one on an update.
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../folder-store/atomic-write.ts';

/** The environment variable through which both guest agents pass the goal state's sequence number. */
export const sequenceVariable = 'ConfigSequenceNumber';
export const mrseqFileName = 'mrseq';

/** One `<n>.settings` file. Multi-config names (`<extension>.<n>.settings`) are ignored. */
export interface SettingsFile {
  sequence: number;
  path: string;
  mtimeMs: number;
  size: number;
}

export interface SettingsChoice extends SettingsFile {
  /** True for a zero-byte file: the guest agent writes one when the extension has no settings. */
  empty: boolean;
  /** Why this file was chosen: the environment variable or the newest modification time. */
  source: 'environment' | 'newest';
  /** Set when ConfigSequenceNumber was present but could not be used, for the log. */
  note?: string;
}

/** No `<n>.settings` file in the settings folder. */
export class SettingsFileNotFoundError extends Error {
  override name = 'SettingsFileNotFoundError';
  readonly configFolder: string;

  constructor(configFolder: string, options?: ErrorOptions) {
    super(`No <n>.settings file in ${configFolder}. The guest agent writes one before it runs enable; check configFolder in HandlerEnvironment.json.`, options);
    this.configFolder = configFolder;
  }
}

const settingsNamePattern = /^(\d+)\.settings$/;

/** Lists the `<n>.settings` files in `configFolder`; a missing folder has none. */
export async function listSettingsFiles(configFolder: string): Promise<SettingsFile[]> {
  let names: string[];
  try {
    names = await readdir(configFolder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }

  const files: SettingsFile[] = [];
  for (const name of names) {
    const match = settingsNamePattern.exec(name);
    if (!match) continue;
    const path = join(configFolder, name);
    const info = await stat(path);
    if (info.isFile()) files.push({ sequence: Number(match[1]), path, mtimeMs: info.mtimeMs, size: info.size });
  }
  return files;
}

/** Returns the most recently modified file; equal times go to the highest sequence number. */
export function newestSettingsFile(files: SettingsFile[]): SettingsFile | undefined {
  return files.reduce<SettingsFile | undefined>((best, file) => {
    if (best === undefined || file.mtimeMs > best.mtimeMs) return file;
    if (file.mtimeMs === best.mtimeMs && file.sequence > best.sequence) return file;
    return best;
  }, undefined);
}

function parseSequence(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Picks the settings file to apply: `<ConfigSequenceNumber>.settings` when the variable is
 * set and that file exists, otherwise the most recently modified `<n>.settings`, because
 * sequence numbers do not always increase. Throws SettingsFileNotFoundError when there is none.
 */
export async function chooseSettingsFile(configFolder: string, env: NodeJS.ProcessEnv = process.env): Promise<SettingsChoice> {
  const files = await listSettingsFiles(configFolder);
  const raw = env[sequenceVariable];
  const requested = parseSequence(raw);
  let note: string | undefined;

  if (requested !== undefined) {
    const match = files.find((file) => file.sequence === requested);
    if (match) return { ...match, empty: match.size === 0, source: 'environment' };
    note = `${sequenceVariable}=${requested} but ${requested}.settings does not exist; using the newest settings file`;
  } else if (raw !== undefined && raw !== '') {
    note = `${sequenceVariable} '${raw}' is not a whole number; using the newest settings file`;
  }

  const newest = newestSettingsFile(files);
  if (!newest) throw new SettingsFileNotFoundError(configFolder);
  return { ...newest, empty: newest.size === 0, source: 'newest', note };
}

/** Reads `<handlerRoot>/mrseq`; undefined when it is missing or does not hold a whole number. */
export async function readMrseq(handlerRoot: string): Promise<number | undefined> {
  try {
    return parseSequence(await readFile(join(handlerRoot, mrseqFileName), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes the sequence number as plain digits without a newline, as Microsoft's extension framework does on Linux. */
export async function writeMrseq(handlerRoot: string, sequence: number): Promise<void> {
  await writeFileAtomic(join(handlerRoot, mrseqFileName), String(sequence), 0o644);
}

export async function removeMrseq(handlerRoot: string): Promise<void> {
  await rm(join(handlerRoot, mrseqFileName), { force: true });
}
