// The agent's settings after validation: the Key Vault VM extension's public settings with
// every default applied.
import type { SecretRef } from '../../adapters/keyvault/secret-url.ts';
import type { HookSettings } from './hook-settings.ts';

/**
 * `LocalMachine` or `CurrentUser` (Windows stores), or an absolute folder path as the Linux
 * extension takes it, e.g. `/var/lib/waagent/Microsoft.Azure.KeyVault.Store`.
 */
export type StoreLocation = 'LocalMachine' | 'CurrentUser' | (string & {});

/** One entry of `observedCertificates`, keyed by its URL. */
export interface ObservedCertificate {
  url: string;
  ref: SecretRef;
  /** `certificateStoreName`; unset means `MY`. */
  storeName: string;
  /** `certificateStoreLocation`; unset means `LocalMachine`. */
  storeLocation: StoreLocation;
  /** Unset means false: the private key cannot be exported. */
  keyExportable: boolean;
  /** Accounts that get read access to the private key; unset means none beyond Administrators and SYSTEM. */
  accounts: string[];
  /** Hooks of this certificate; its afterInstall replaces the global one. Unset means the global hooks apply. */
  hooks?: HookSettings;
}

export interface Settings {
  /** `pollingIntervalInS`; unset means 3600. */
  pollingIntervalS: number;
  /** Unset means false. */
  linkOnRenewal: boolean;
  /** Unset means false: report success as soon as polling starts. */
  requireInitialSync: boolean;
  observedCertificates: ObservedCertificate[];
  /**
   * `retainVersions`: how many versions kvcert keeps installed per certificate, the newest
   * ones. Unset keeps every version, as the Windows extension 3.x does.
   */
  retainVersions?: number;
  /** `authenticationSettings.msiEndpoint`; unset means the Azure instance metadata endpoint. */
  msiEndpoint: string;
  /** `authenticationSettings.msiClientId`; unset means the system-assigned identity. */
  msiClientId?: string;
  /** `secretsManagementSettings.hooks`; unset means no hooks run. */
  hooks?: HookSettings;
  /**
   * `secretsManagementSettings.maxConcurrency`: most certificates downloaded, parsed or
   * installed at once. Unset in the file means 8; unset here (settings built in code) too.
   */
  maxConcurrency?: number;
}

/** The Azure instance metadata endpoint. Only a real Azure machine reaches it; tests always set msiEndpoint. */
export const azureMetadataTokenEndpoint = 'http://169.254.169.254/metadata/identity/oauth2/token';

export const defaultSettings = {
  pollingIntervalS: 3600,
  storeName: 'MY',
  storeLocation: 'LocalMachine' as StoreLocation,
};
