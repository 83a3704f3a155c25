// A certificate store in memory for the fleet simulation, where disk writes of 500
// simulated machines would only measure the disk.
import type { Bundle } from '../adapters/bundle/bundle.ts';
import type { CertificateStore, InstallResult, StoredCertificate } from '../adapters/store.ts';

export class MemoryStore implements CertificateStore {
  readonly kind = 'folder';
  readonly thumbprints = new Set<string>();

  async install(_target: unknown, bundle: Bundle): Promise<InstallResult> {
    const thumbprint = bundle.leaf.thumbprint;
    const changed = !this.thumbprints.has(thumbprint);
    this.thumbprints.add(thumbprint);
    return { thumbprint, changed, paths: [] };
  }

  async grantKeyAccess(): Promise<void> {}

  async linkRenewal(): Promise<void> {}

  async list(): Promise<StoredCertificate[]> {
    return [];
  }

  async remove(_target: unknown, thumbprint: string): Promise<void> {
    this.thumbprints.delete(thumbprint);
  }
}
