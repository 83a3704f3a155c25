// The store form of the KeyVaultForLinux extension, used when certificateStoreLocation is an
// absolute folder path such as /var/lib/waagent/Microsoft.Azure.KeyVault.Store. Each version gets
// one PEM file `<vaultName>.<secretName>.<version>` (leaf, intermediates, then the PKCS#8 key),
// and the link `<vaultName>.<secretName>` points at the version installed last. Roots are never
// written. The certificate store name of the settings does not apply here and is ignored.
import { chmod, mkdir, readdir, readFile, readlink } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { Bundle } from '../bundle/bundle.ts';
import { parseSecretUrl } from '../keyvault/secret-url.ts';
import { StoreError } from '../store.ts';
import type { CertificateStore, InstallContext, InstallResult, StoredCertificate, StoreTarget } from '../store.ts';
import { removeFile, replaceSymlink, writeFileAtomic } from './atomic-files.ts';
import { composeVersionFile, readVersionFile, versionFileNames, versionFilePattern, type VersionFileNames } from './version-files.ts';

const folderMode = 0o700;
const fileMode = 0o600;

/** True when `location` selects this store: an absolute folder path rather than `LocalMachine` or `CurrentUser`. */
export function isFolderLocation(location: string): boolean {
  return isAbsolute(location);
}

/** Installs certificates as PEM files in one folder, in the layout of the KeyVaultForLinux extension. */
export class LinuxFolderStore implements CertificateStore {
  readonly kind = 'linux-folder';

  /**
   * Writes the version file (mode 0600, folder created with mode 0700) unless a file of that
   * version with the same leaf thumbprint is there, then points the link at it. `changed` is
   * false only when neither the file nor the link had to be written.
   */
  async install(target: StoreTarget, bundle: Bundle, context: InstallContext): Promise<InstallResult> {
    const folder = checkFolder(target, 'install', context.certificateUrl);
    const names = namesOf(context, 'install');
    try {
      return await installVersion(folder, names, bundle);
    } catch (error) {
      throw new StoreError(context.certificateUrl, 'install',
        `Installing ${context.certificateUrl} (version ${context.version}) into ${folder} failed: ${reasonOf(error)}. ` +
        'Check that certificateStoreLocation is a folder the agent can create and write.', { cause: error });
    }
  }

  /**
   * Does nothing, because the layout has no per-key grant. Version files are mode 0600 and belong
   * to the account kvcert runs as. A service that must read them needs that account, or a group or
   * POSIX ACL that the operator sets on the folder.
   */
  async grantKeyAccess(): Promise<void> {}

  /** Does nothing: the `<vaultName>.<secretName>` link is the renewal link, and install moves it. */
  async linkRenewal(): Promise<void> {}

  /** Lists the leaf of every version file. A folder that does not exist is empty, and errors carry an empty certificate URL. */
  async list(target: StoreTarget): Promise<StoredCertificate[]> {
    const folder = checkFolder(target, 'list', '');
    try {
      const files = await versionFiles(folder);
      const certificates = new Map<string, StoredCertificate>();
      for (const name of files) {
        const certificate = readVersionFile(await readFile(join(folder, name), 'utf8'));
        if (certificate && !certificates.has(certificate.thumbprint)) certificates.set(certificate.thumbprint, certificate);
      }
      return [...certificates.values()];
    } catch (error) {
      throw new StoreError('', 'list', `Listing ${folder} failed: ${reasonOf(error)}.`, { cause: error });
    }
  }

  /**
   * Deletes the version files of this certificate whose leaf is `thumbprint`, except a file that
   * a link in the folder points to: that one is what services read, so it stays.
   */
  async remove(target: StoreTarget, thumbprint: string, context: InstallContext): Promise<void> {
    const folder = checkFolder(target, 'remove', context.certificateUrl);
    try {
      await removeVersions(folder, `${linkNameOf(context)}.`, thumbprint.toUpperCase());
    } catch (error) {
      throw new StoreError(context.certificateUrl, 'remove',
        `Removing ${thumbprint} of ${context.certificateUrl} from ${folder} failed: ${reasonOf(error)}.`, { cause: error });
    }
  }
}

async function installVersion(folder: string, names: VersionFileNames, bundle: Bundle): Promise<InstallResult> {
  await ensureFolder(folder);
  const versionPath = join(folder, names.versionName);
  const linkPath = join(folder, names.linkName);

  const present = await readLeafThumbprint(versionPath);
  const written = present !== bundle.leaf.thumbprint;
  if (written) await writeFileAtomic(versionPath, composeVersionFile(bundle), fileMode);

  const moved = await pointLink(linkPath, names.versionName);
  return { thumbprint: bundle.leaf.thumbprint, changed: written || moved, paths: [versionPath, linkPath] };
}

/** Creates the folder with mode 0700. An existing folder keeps the mode its owner gave it. */
async function ensureFolder(folder: string): Promise<void> {
  const created = await mkdir(folder, { recursive: true, mode: folderMode });
  if (created !== undefined) await chmod(folder, folderMode);
}

/** Returns the leaf thumbprint of an existing version file, or undefined when there is none to read. */
async function readLeafThumbprint(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return readVersionFile(text)?.thumbprint;
}

/** Points the link at `versionName` unless it already does; returns whether it changed. */
async function pointLink(linkPath: string, versionName: string): Promise<boolean> {
  const current = await readlink(linkPath).catch(() => undefined);
  if (current === versionName) return false;
  await replaceSymlink(linkPath, versionName);
  return true;
}

/** Returns the names of the regular files in `folder` that have the version file form. */
async function versionFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.filter((entry) => entry.isFile() && versionFilePattern.test(entry.name)).map((entry) => entry.name).sort();
}

async function removeVersions(folder: string, prefix: string, thumbprint: string): Promise<void> {
  const linked = await linkTargets(folder);
  for (const name of await versionFiles(folder)) {
    const path = join(folder, name);
    if (!name.startsWith(prefix) || linked.has(path)) continue;
    if ((await readLeafThumbprint(path)) === thumbprint) await removeFile(path);
  }
}

/** Returns the absolute paths that the symbolic links in `folder` point to. */
async function linkTargets(folder: string): Promise<Set<string>> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const targets = new Set<string>();
  for (const entry of entries.filter((candidate) => candidate.isSymbolicLink())) {
    targets.add(resolve(folder, await readlink(join(folder, entry.name))));
  }
  return targets;
}

function checkFolder(target: StoreTarget, step: StoreError['step'], certificateUrl: string): string {
  if (isFolderLocation(target.location)) return resolve(target.location);
  throw new StoreError(certificateUrl, step,
    `certificateStoreLocation '${target.location}' is not an absolute folder path, which the Linux folder store needs ` +
    '(for example /var/lib/waagent/Microsoft.Azure.KeyVault.Store).');
}

function namesOf(context: InstallContext, step: StoreError['step']): VersionFileNames {
  try {
    return versionFileNames(context.certificateUrl, context.version);
  } catch (error) {
    throw new StoreError(context.certificateUrl, step,
      `Naming the file of ${context.certificateUrl} (version ${context.version}) failed: ${reasonOf(error)}.`, { cause: error });
  }
}

function linkNameOf(context: InstallContext): string {
  const { vaultName, secretName } = parseSecretUrl(context.certificateUrl);
  return `${vaultName}.${secretName}`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
