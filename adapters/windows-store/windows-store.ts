// The Windows certificate store, driven through PowerShell: one short .ps1 script per operation,
// run by Windows PowerShell 5.1 on Windows and by pwsh elsewhere (for the tests on Linux).
import type { Bundle } from '../bundle/bundle.ts';
import {
  StoreError,
  type CertificateStore,
  type InstallContext,
  type InstallResult,
  type StoreTarget,
  type StoredCertificate,
} from '../store.ts';
import { writePfx } from './pfx-writer.ts';
import { runStoreScript, type PowerShellOptions } from './powershell-runner.ts';
import { toStoredCertificate, type ListedCertificate } from './stored-certificate.ts';
import { checkStoreTarget, checkThumbprint } from './store-target.ts';

interface InstallOutput {
  thumbprint: string;
  changed: boolean;
  paths: string[];
}

interface ListOutput {
  certificates: ListedCertificate[];
}

/** Installs Key Vault certificates into the Windows certificate store. */
export class WindowsCertificateStore implements CertificateStore {
  readonly kind = 'windows';
  readonly #options: PowerShellOptions;

  constructor(options: PowerShellOptions = {}) {
    this.#options = { ...options };
  }

  /**
   * Installs the leaf with its key into `target` and the intermediates into CA of the same
   * location, never the roots. Writing LocalMachine needs LocalSystem or an administrator.
   */
  async install(target: StoreTarget, bundle: Bundle, context: InstallContext): Promise<InstallResult> {
    checkStoreTarget(target, 'install', context.certificateUrl);
    const request = {
      location: target.location,
      storeName: target.name,
      thumbprint: bundle.leaf.thumbprint,
      intermediateThumbprints: bundle.intermediates.map((intermediate) => intermediate.thumbprint),
      pfxBase64: buildPfx(bundle, context).toString('base64'),
      keyExportable: context.keyExportable,
    };
    const action = `Installing ${context.certificateUrl} (version ${context.version}) into ${target.location}\\${target.name}`;

    const output = await runStoreScript<InstallOutput>('install-certificate', request, { step: 'install', certificateUrl: context.certificateUrl, action }, this.#options);
    return { thumbprint: output.thumbprint, changed: output.changed, paths: output.paths };
  }

  /**
   * Grants Read on the private key file of `thumbprint` to each account.
   * NOTE: Windows only and not executed on this project's Linux CI; only .github/workflows/windows.yml runs it.
   */
  async grantKeyAccess(target: StoreTarget, thumbprint: string, accounts: string[], context: InstallContext): Promise<void> {
    checkStoreTarget(target, 'acl', context.certificateUrl);
    checkThumbprint(thumbprint, 'acl', context.certificateUrl);
    requireWindows('acl', context.certificateUrl, 'Granting private key access');
    if (accounts.length === 0) return;

    const request = { location: target.location, storeName: target.name, thumbprint, accounts };
    const action = `Granting key access on ${thumbprint} (${context.certificateUrl}) to ${accounts.join(', ')}`;
    await runStoreScript('grant-key-access', request, { step: 'acl', certificateUrl: context.certificateUrl, action }, this.#options);
  }

  /**
   * Marks `previousThumbprint` as renewed by `thumbprint` and raises the replace notification
   * (event 1001) for IIS rebind. Nothing happens when the previous certificate is no longer in the store.
   * NOTE: Windows only and not executed on this project's Linux CI; only .github/workflows/windows.yml runs it.
   */
  async linkRenewal(target: StoreTarget, previousThumbprint: string, thumbprint: string, context: InstallContext): Promise<void> {
    checkStoreTarget(target, 'link', context.certificateUrl);
    checkThumbprint(previousThumbprint, 'link', context.certificateUrl);
    checkThumbprint(thumbprint, 'link', context.certificateUrl);
    requireWindows('link', context.certificateUrl, 'Linking a renewal');

    const request = { location: target.location, storeName: target.name, previousThumbprint, thumbprint };
    const action = `Linking ${previousThumbprint} to its renewal ${thumbprint} (${context.certificateUrl})`;
    await runStoreScript('link-renewal', request, { step: 'link', certificateUrl: context.certificateUrl, action }, this.#options);
  }

  /** Lists the certificates of `target`; a store that does not exist is empty. Errors carry an empty certificate URL. */
  async list(target: StoreTarget): Promise<StoredCertificate[]> {
    checkStoreTarget(target, 'list', '');
    const request = { location: target.location, storeName: target.name };
    const action = `Listing ${target.location}\\${target.name}`;

    const output = await runStoreScript<ListOutput>('list-certificates', request, { step: 'list', certificateUrl: '', action }, this.#options);
    return output.certificates.map(toStoredCertificate);
  }

  /**
   * Removes `thumbprint` from `target` and deletes its persisted private key; intermediates in CA
   * stay. Does nothing when the thumbprint is not there. LocalMachine needs LocalSystem or an administrator.
   * NOTE: deleting CNG and CAPI key containers runs only on Windows, in .github/workflows/windows.yml.
   * On Linux, pwsh keeps the key inside the store's .pfx file, so it goes with the entry.
   */
  async remove(target: StoreTarget, thumbprint: string, context: InstallContext): Promise<void> {
    checkStoreTarget(target, 'remove', context.certificateUrl);
    checkThumbprint(thumbprint, 'remove', context.certificateUrl);

    const request = { location: target.location, storeName: target.name, thumbprint };
    const action = `Removing ${thumbprint} (${context.certificateUrl}) from ${target.location}\\${target.name}`;
    await runStoreScript('remove-certificate', request, { step: 'remove', certificateUrl: context.certificateUrl, action }, this.#options);
  }
}

function buildPfx(bundle: Bundle, context: InstallContext): Buffer {
  try {
    return writePfx(bundle);
  } catch (error) {
    throw new StoreError(context.certificateUrl, 'install',
      `Building the PFX for ${context.certificateUrl} failed: the private key could not be read as PKCS#8.`, { cause: error });
  }
}

function requireWindows(step: StoreError['step'], certificateUrl: string, action: string): void {
  if (process.platform === 'win32') return;
  throw new StoreError(certificateUrl, step, `${action} for ${certificateUrl} failed: this step exists only in the Windows certificate store.`);
}
