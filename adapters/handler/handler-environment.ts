// HandlerEnvironment.json: the file the Azure guest agent writes into the handler root to
// say where the handler's settings, status, heartbeat and logs go.
import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';

export const handlerEnvironmentFileName = 'HandlerEnvironment.json';

/** Element 0 of HandlerEnvironment.json, with every folder made absolute. */
export interface HandlerEnvironment {
  /** The file that was read. */
  file: string;
  /** The folder that contains the file: the handler root, and the guest agent's working folder for commands. */
  root: string;
  name?: string;
  /** `version` as written; the guest agents write a number (`1.0`) or a string (`"1"`). */
  version?: string;
  logFolder: string;
  configFolder: string;
  statusFolder: string;
  heartbeatFile: string;
  eventsFolder?: string;
}

/** HandlerEnvironment.json is missing, unreadable or lacks a required key. */
export class HandlerEnvironmentError extends Error {
  override name = 'HandlerEnvironmentError';
  /** The file involved, or the first folder searched when no file was found. */
  readonly file: string;
  /** The missing or invalid key, e.g. `[0].handlerEnvironment.statusFolder`. */
  readonly key?: string;

  constructor(message: string, file: string, key?: string, options?: ErrorOptions) {
    super(message, options);
    this.file = file;
    this.key = key;
  }
}

const requiredFolders = ['logFolder', 'configFolder', 'statusFolder', 'heartbeatFile'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readVersion(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Parses the text of HandlerEnvironment.json; relative folders are resolved against the file's folder. */
export function parseHandlerEnvironment(text: string, file: string): HandlerEnvironment {
  const document: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
  if (!Array.isArray(document) || !isObject(document[0])) {
    throw new HandlerEnvironmentError(`${file} must be a JSON array whose first element is an object, as the guest agent writes it`, file, '[0]');
  }
  const settings = document[0].handlerEnvironment;
  if (!isObject(settings)) {
    throw new HandlerEnvironmentError(`${file} has no object at [0].handlerEnvironment`, file, '[0].handlerEnvironment');
  }

  const root = dirname(resolve(file));
  const folders = {} as Record<(typeof requiredFolders)[number], string>;
  for (const key of requiredFolders) {
    const value = settings[key];
    if (typeof value !== 'string' || value.trim() === '') {
      throw new HandlerEnvironmentError(`${file} is missing [0].handlerEnvironment.${key} (a non-empty path is required)`, file, `[0].handlerEnvironment.${key}`);
    }
    folders[key] = resolve(root, value);
  }

  const eventsFolder = optionalString(settings.eventsFolder) ?? optionalString(settings.eventsFolder_preview);
  return {
    file: resolve(file),
    root,
    name: optionalString(document[0].name),
    version: readVersion(document[0].version),
    ...folders,
    eventsFolder: eventsFolder === undefined ? undefined : resolve(root, eventsFolder),
  };
}

export interface ReadOptions {
  /** Reads before giving up; unset means 5. */
  attempts?: number;
  /** Wait before the second read; it doubles for each later read. Unset means 100 ms. */
  firstDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Reads and parses HandlerEnvironment.json. The guest agent may be rewriting the file, so
 * unreadable or invalid JSON is read again with a doubling delay (100 ms, 200 ms, ... by
 * default); a missing key is reported at once because a complete file will not change.
 */
export async function readHandlerEnvironment(file: string, options: ReadOptions = {}): Promise<HandlerEnvironment> {
  const attempts = options.attempts ?? 5;
  const sleep = options.sleep ?? defaultSleep;
  let delayMs = options.firstDelayMs ?? 100;
  let lastError: Error | undefined;

  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return parseHandlerEnvironment(await readFile(file, 'utf8'), file);
    } catch (error) {
      if (error instanceof HandlerEnvironmentError) throw error;
      lastError = error as Error;
    }
    if (attempt < attempts) {
      await sleep(delayMs);
      delayMs *= 2;
    }
  }
  throw new HandlerEnvironmentError(`${file} could not be read as JSON after ${attempts} attempts: ${lastError?.message}`, file, undefined, { cause: lastError });
}

/** Returns the folder of the nearest package.json at or above `start`: the kvcert package root. */
export function findPackageRoot(start: string): string | undefined {
  for (let folder = resolve(start); ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return undefined;
  }
}

export interface LocateOptions {
  /** `--handler-root`: when set, the only folder searched. */
  handlerRoot?: string;
  /** Unset means the process's working folder. */
  cwd?: string;
  /** Unset means the package that contains this file. */
  packageRoot?: string;
}

/**
 * Lists the folders searched for HandlerEnvironment.json, in order: `--handler-root` alone
 * when given, otherwise the working folder (the guest agents run commands in the handler
 * root), the kvcert package root and the folder one level above it.
 */
export function handlerEnvironmentCandidates(options: LocateOptions = {}): string[] {
  if (options.handlerRoot !== undefined) return [resolve(options.handlerRoot)];
  const packageRoot = options.packageRoot ?? findPackageRoot(import.meta.dirname);
  const folders = [resolve(options.cwd ?? process.cwd())];
  if (packageRoot !== undefined) folders.push(resolve(packageRoot), dirname(resolve(packageRoot)));
  return [...new Set(folders)];
}

/** Returns the path of the first HandlerEnvironment.json found; throws HandlerEnvironmentError naming every folder searched. */
export async function locateHandlerEnvironment(options: LocateOptions = {}): Promise<string> {
  const folders = handlerEnvironmentCandidates(options);
  for (const folder of folders) {
    const file = join(folder, handlerEnvironmentFileName);
    try {
      await access(file);
      return file;
    } catch {
      // Not in this folder: try the next one.
    }
  }
  const hint = options.handlerRoot === undefined ? 'Run the command in the handler folder or pass --handler-root DIR.' : 'Check --handler-root.';
  throw new HandlerEnvironmentError(`${handlerEnvironmentFileName} not found in ${folders.join(', ')}. ${hint}`, join(folders[0], handlerEnvironmentFileName));
}

/** Locates and reads HandlerEnvironment.json. */
export async function loadHandlerEnvironment(options: LocateOptions & ReadOptions = {}): Promise<HandlerEnvironment> {
  return readHandlerEnvironment(await locateHandlerEnvironment(options), options);
}
