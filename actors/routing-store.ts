// Sends each certificate to the store its location names: an absolute folder path goes to
// the Linux extension's folder layout, LocalMachine and CurrentUser to the chosen store.
import type { Bundle } from '../adapters/bundle/bundle.ts';
import { isFolderLocation } from '../adapters/linux-folder-store/linux-folder-store.ts';
import type { CertificateStore, InstallContext, InstallResult, StoredCertificate, StoreTarget } from '../adapters/store.ts';

export class RoutingStore implements CertificateStore {
  readonly kind;
  readonly #windowsLocations: CertificateStore;
  readonly #folderPaths: CertificateStore;

  constructor(windowsLocations: CertificateStore, folderPaths: CertificateStore) {
    this.#windowsLocations = windowsLocations;
    this.#folderPaths = folderPaths;
    this.kind = windowsLocations.kind;
  }

  #storeFor(target: StoreTarget): CertificateStore {
    return isFolderLocation(target.location) ? this.#folderPaths : this.#windowsLocations;
  }

  install(target: StoreTarget, bundle: Bundle, context: InstallContext): Promise<InstallResult> {
    return this.#storeFor(target).install(target, bundle, context);
  }

  grantKeyAccess(target: StoreTarget, thumbprint: string, accounts: string[], context: InstallContext): Promise<void> {
    return this.#storeFor(target).grantKeyAccess(target, thumbprint, accounts, context);
  }

  linkRenewal(target: StoreTarget, previousThumbprint: string, thumbprint: string, context: InstallContext): Promise<void> {
    return this.#storeFor(target).linkRenewal(target, previousThumbprint, thumbprint, context);
  }

  list(target: StoreTarget): Promise<StoredCertificate[]> {
    return this.#storeFor(target).list(target);
  }

  remove(target: StoreTarget, thumbprint: string, context: InstallContext): Promise<void> {
    return this.#storeFor(target).remove(target, thumbprint, context);
  }
}
