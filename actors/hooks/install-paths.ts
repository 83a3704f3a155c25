// Keeps the paths that the last install of each certificate reported, so that an afterInstall
// hook can receive them. The machines carry no store results, so they are taken at the store.
import type { Bundle } from '../../adapters/bundle/bundle.ts';
import type { CertificateStore, InstallContext, InstallResult, StoredCertificate, StoreTarget } from '../../adapters/store.ts';

/** A store that passes every call on and remembers each install's paths by certificate URL. */
export class PathRecordingStore implements CertificateStore {
  readonly kind;
  readonly #inner: CertificateStore;
  readonly #installs = new Map<string, { version: string; paths: string[] }>();

  constructor(inner: CertificateStore) {
    this.#inner = inner;
    this.kind = inner.kind;
  }

  /** Returns the paths of the last install of `version` of `certificateUrl`, or undefined if that version was not installed here. */
  pathsOf(certificateUrl: string, version: string): string[] | undefined {
    const install = this.#installs.get(certificateUrl);
    return install?.version === version ? install.paths : undefined;
  }

  async install(target: StoreTarget, bundle: Bundle, context: InstallContext): Promise<InstallResult> {
    const result = await this.#inner.install(target, bundle, context);
    this.#installs.set(context.certificateUrl, { version: context.version, paths: result.paths });
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
