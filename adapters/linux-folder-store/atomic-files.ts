// Atomic replacement of files and symbolic links in one folder: a reader sees the old entry or the
// new one, never a partly written file or a missing link. Each change is written under a temporary
// name in the same folder, renamed over the old entry, and the folder is fsynced so the rename
// survives a power cut.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` with file mode `mode`, through a temporary file that is fsynced first. */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const temporary = temporaryName(path);
  const file = await open(temporary, 'wx', mode);
  try {
    await file.writeFile(data);
    // open() applies the umask, so the mode is set again to be exact.
    await file.chmod(mode);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temporary, { force: true });
    throw error;
  }
  await file.close();

  await renameInto(temporary, path);
}

/** Points the symbolic link `path` at `target`, replacing what was there in one rename. */
export async function replaceSymlink(path: string, target: string): Promise<void> {
  const temporary = temporaryName(path);
  await symlink(target, temporary);
  await renameInto(temporary, path);
}

/** Deletes `path` and fsyncs its folder. A missing file is not an error. */
export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
  await syncFolder(dirname(path));
}

/** Flushes a folder's entries to disk. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Returns a hidden name next to `path`, which list() skips because it starts with a dot. */
function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function renameInto(temporary: string, path: string): Promise<void> {
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}
