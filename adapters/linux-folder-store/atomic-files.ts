// Atomic replacement of symbolic links and removal of files in one folder: a reader sees the
// old entry or the new one, never a missing link. File writes use the folder store's
// writeFileAtomic, which names its temporary files the same way.
import { randomBytes } from 'node:crypto';
import { rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncFolder } from '../folder-store/atomic-write.ts';

export { writeFileAtomic } from '../folder-store/atomic-write.ts';

/** Points the symbolic link `path` at `target`, replacing what was there in one rename. */
export async function replaceSymlink(path: string, target: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await symlink(target, temporary);
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(dirname(path));
}

/** Deletes `path` and fsyncs its folder. A missing file is not an error. */
export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
  await syncFolder(dirname(path));
}
