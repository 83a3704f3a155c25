// The interface every certificate store implements: the folder store and the Windows store.
import type { Bundle } from './bundle/bundle.ts';

/** The destination of a bundle: `certificateStoreLocation` and `certificateStoreName` of the settings. */
export interface StoreTarget {
  /** `LocalMachine` or `CurrentUser`. */
  location: string;
  /** A Windows store name such as `MY`, `TrustedPeople`, `WebHosting` (case-insensitive). */
  name: string;
}

/** The outcome of an install. */
export interface InstallResult {
  thumbprint: string;
  /** False when the thumbprint was already there, so nothing was written. */
  changed: boolean;
  /** Files or store entries written or found, for logs, hooks and status. */
  paths: string[];
}

/** Facts about the certificate being installed that are not in the bundle. */
export interface InstallContext {
  certificateUrl: string;
  version: string;
  keyExportable: boolean;
}

/** A certificate found in a store. */
export interface StoredCertificate {
  thumbprint: string;
  subject: string;
  sanDns: string[];
  notAfter: Date;
  hasPrivateKey: boolean;
}

/** A certificate store. Every method keeps what is already installed when it fails. */
export interface CertificateStore {
  readonly kind: 'folder' | 'windows' | 'linux-folder';
  /** Installs the leaf with its key and the intermediates; roots never. Idempotent per thumbprint. */
  install(target: StoreTarget, bundle: Bundle, context: InstallContext): Promise<InstallResult>;
  /** Grants read on the leaf's private key to each account. */
  grantKeyAccess(target: StoreTarget, thumbprint: string, accounts: string[], context: InstallContext): Promise<void>;
  /** Marks `previousThumbprint` as renewed by `thumbprint`. */
  linkRenewal(target: StoreTarget, previousThumbprint: string, thumbprint: string, context: InstallContext): Promise<void>;
  list(target: StoreTarget): Promise<StoredCertificate[]>;
  /**
   * Removes one certificate and its private key, for retention. Callers pass only
   * thumbprints that kvcert installed. A thumbprint that is not there is not an error.
   */
  remove(target: StoreTarget, thumbprint: string, context: InstallContext): Promise<void>;
}

/** A store operation that failed; names the certificate URL and the step. */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly certificateUrl: string;
  readonly step: 'install' | 'verify' | 'acl' | 'link' | 'list' | 'remove';

  constructor(certificateUrl: string, step: StoreError['step'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.certificateUrl = certificateUrl;
    this.step = step;
  }
}
