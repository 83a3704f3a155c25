// The embedded default store: PEM files in a folder per store location and name.
//   <root>/<location>/<storeName>/<THUMBPRINT>.pem   leaf certificate
//   <root>/<location>/<storeName>/<THUMBPRINT>.key   private key, PKCS#8 PEM, mode 0600
//   <root>/<location>/CA/<THUMBPRINT>.pem             intermediate CA certificates
// Roots are never written. Files of older versions stay, as the Windows extension leaves them.
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { Bundle, CertificateInfo } from '../bundle/bundle.ts';
import { StoreError } from '../store.ts';
import type { CertificateStore, InstallContext, InstallResult, StoredCertificate, StoreTarget } from '../store.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { canonicalStoreName } from './store-names.ts';

const certificateMode = 0o644;
const keyMode = 0o600;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function sanList(certificate: X509Certificate): string[] {
  return (certificate.subjectAltName ?? '').split(', ').filter((entry) => entry.startsWith('DNS:')).map((entry) => entry.slice(4));
}

/** A store in plain folders, for Linux and local use. */
export class FolderCertificateStore implements CertificateStore {
  readonly kind = 'folder';
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  folderOf(target: StoreTarget): string {
    return join(this.root, target.location, canonicalStoreName(target.name));
  }

  /** Writes leaf, key and intermediates; a thumbprint already present writes nothing. */
  async install(target: StoreTarget, bundle: Bundle, context: InstallContext): Promise<InstallResult> {
    try {
      return await this.writeBundle(target, bundle);
    } catch (error) {
      throw new StoreError(context.certificateUrl, 'install',
        `Installing ${bundle.leaf.thumbprint} from ${context.certificateUrl} into ${this.folderOf(target)} failed: ` +
        `${(error as Error).message}. Check that the store root is writable by the agent.`, { cause: error });
    }
  }

  private async writeBundle(target: StoreTarget, bundle: Bundle): Promise<InstallResult> {
    const folder = this.folderOf(target);
    const caFolder = join(this.root, target.location, 'CA');
    const thumbprint = bundle.leaf.thumbprint;
    const certificatePath = join(folder, `${thumbprint}.pem`);
    const keyPath = join(folder, `${thumbprint}.key`);
    await mkdir(folder, { recursive: true, mode: 0o755 });

    let changed = false;
    for (const intermediate of bundle.intermediates) {
      changed = (await this.writeCertificate(caFolder, intermediate)) || changed;
    }
    if (!(await exists(keyPath))) {
      await writeFileAtomic(keyPath, bundle.privateKeyPem, keyMode);
      changed = true;
    }
    changed = (await this.writeCertificate(folder, bundle.leaf)) || changed;
    return { thumbprint, changed, paths: [certificatePath, keyPath] };
  }

  private async writeCertificate(folder: string, certificate: CertificateInfo): Promise<boolean> {
    const path = join(folder, `${certificate.thumbprint}.pem`);
    if (await exists(path)) return false;
    await mkdir(folder, { recursive: true, mode: 0o755 });
    await writeFileAtomic(path, certificate.pem, certificateMode);
    return true;
  }

  /** Folder stores have no key ACLs; file mode 0600 already limits the key to the agent's user. */
  async grantKeyAccess(): Promise<void> {}

  /** Folder stores have no renewal property; each version keeps its own files. */
  async linkRenewal(): Promise<void> {}

  /** Deletes the leaf and key files of `thumbprint`; intermediates stay, other versions may share them. */
  async remove(target: StoreTarget, thumbprint: string, context: InstallContext): Promise<void> {
    const folder = this.folderOf(target);
    try {
      await rm(join(folder, `${thumbprint}.pem`), { force: true });
      await rm(join(folder, `${thumbprint}.key`), { force: true });
    } catch (error) {
      throw new StoreError(context.certificateUrl, 'remove',
        `Removing ${thumbprint} of ${context.certificateUrl} from ${folder} failed: ${(error as Error).message}.`, { cause: error });
    }
  }

  async list(target: StoreTarget): Promise<StoredCertificate[]> {
    const folder = this.folderOf(target);
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      return [];
    }

    const certificates: StoredCertificate[] = [];
    for (const name of names.filter((entry) => /^[0-9A-F]{40}\.pem$/.test(entry))) {
      const certificate = new X509Certificate(await readFile(join(folder, name)));
      const thumbprint = name.slice(0, 40);
      certificates.push({
        thumbprint,
        subject: certificate.subject.split('\n').reverse().join(','),
        sanDns: sanList(certificate),
        notAfter: new Date(certificate.validTo),
        hasPrivateKey: await exists(join(folder, `${thumbprint}.key`)),
      });
    }
    return certificates;
  }
}
