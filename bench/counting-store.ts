// A certificate store wrapper that counts installs, so that the benchmark can report how
// many writes a poll caused.
import type { Bundle } from '../adapters/bundle/bundle.ts';
import type { CertificateStore, InstallContext, InstallResult, StoredCertificate, StoreTarget } from '../adapters/store.ts';

export class CountingStore implements CertificateStore {
  readonly kind;
  readonly #inner: CertificateStore;
  /** install() calls. */
  installs = 0;
  /** install() calls that wrote something. */
  writes = 0;

  constructor(inner: CertificateStore) {
    this.#inner = inner;
    this.kind = inner.kind;
  }

  async install(target: StoreTarget, bundle: Bundle, context: InstallContext): Promise<InstallResult> {
    this.installs += 1;
    const result = await this.#inner.install(target, bundle, context);
    if (result.changed) this.writes += 1;
    return result;
  }

  grantKeyAccess(target: StoreTarget, thumbprint: string, accounts: string[], context: InstallContext): Promise<void> {
    return this.#inner.grantKeyAccess(target, thumbprint, accounts, context);
  }

  linkRenewal(target: StoreTarget, previousThumbprint: string, thumbprint: string, context: InstallContext): Promise<void> {
    return this.#inner.linkRenewal(target, previousThumbprint, thumbprint, context);
  }

  list(target: StoreTarget): Promise<StoredCertificate[]> {
    return this.#inner.list(target);
  }

  remove(target: StoreTarget, thumbprint: string, context: InstallContext): Promise<void> {
    return this.#inner.remove(target, thumbprint, context);
  }
}
