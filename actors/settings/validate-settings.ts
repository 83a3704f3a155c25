// Validates the public settings and applies defaults, listing every problem at once.
import { parseSecretUrl, SecretUrlError } from '../../adapters/keyvault/secret-url.ts';
import { azureMetadataTokenEndpoint, defaultSettings } from './settings.ts';
import type { ObservedCertificate, Settings, StoreLocation } from './settings.ts';
import { SettingsError, showValue } from './settings-error.ts';
import type { SettingsProblem } from './settings-error.ts';
import { unwrapSettings } from './settings-forms.ts';
import { readHooks } from './hook-settings.ts';
import { readMaxConcurrency } from './concurrency-setting.ts';

type Json = Record<string, unknown>;

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const storeNamePattern = /^[A-Za-z0-9 _.-]{1,64}$/;

export interface ValidatedSettings {
  settings: Settings;
  /** Things worth a log line that do not stop the agent. */
  notes: string[];
}

class ProblemList {
  readonly problems: SettingsProblem[] = [];
  readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  add(path: string, value: unknown, message: string): void {
    const fullPath = this.prefix ? `${this.prefix}.${path}` : path;
    this.problems.push({ path: fullPath, value: showValue(value), message });
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a boolean that the docs show both as `true` and as `"true"`. */
function readBoolean(container: Json, key: string, path: string, problems: ProblemList): boolean {
  const value = container[key];
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  problems.add(path, value, 'must be true or false');
  return false;
}

function readPollingInterval(secrets: Json, problems: ProblemList): number {
  const value = secrets.pollingIntervalInS;
  if (value === undefined || value === null) return defaultSettings.pollingIntervalS;
  const seconds = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
    problems.add('secretsManagementSettings.pollingIntervalInS', value,
      'must be a whole number of seconds, at least 1, as a string or a number, e.g. "3600"');
    return defaultSettings.pollingIntervalS;
  }
  return seconds;
}

function readRetainVersions(secrets: Json, problems: ProblemList): number | undefined {
  const value = secrets.retainVersions;
  if (value === undefined || value === null) return undefined;
  const count = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    problems.add('secretsManagementSettings.retainVersions', value,
      'must be a whole number of versions to keep per certificate, at least 1 (leave it out to keep all), e.g. 2');
    return undefined;
  }
  return count;
}

function readStoreLocation(value: unknown, path: string, problems: ProblemList): StoreLocation {
  if (value === undefined || value === null) return defaultSettings.storeLocation;
  if (value === 'LocalMachine' || value === 'CurrentUser') return value;
  if (typeof value === 'string' && isAbsoluteFolder(value)) return value;
  const hint = typeof value === 'string' && /^(localmachine|currentuser)$/i.test(value)
    ? ` (the value is case-sensitive: write '${value.toLowerCase() === 'localmachine' ? 'LocalMachine' : 'CurrentUser'}')`
    : '';
  const alternatives = hint === '' ? ', or an absolute folder path as the Linux extension takes it' : '';
  problems.add(path, value, `must be 'LocalMachine' or 'CurrentUser'${hint}${alternatives}`);
  return defaultSettings.storeLocation;
}

/** Tests for an absolute POSIX path, the Linux extension's store folder. Relative paths would depend on the working folder. */
function isAbsoluteFolder(value: string): boolean {
  return value.startsWith('/') && !value.split('/').includes('..') && !value.includes('\0');
}

function readStoreName(value: unknown, path: string, problems: ProblemList): string {
  if (value === undefined || value === null) return defaultSettings.storeName;
  if (typeof value === 'string' && storeNamePattern.test(value)) return value;
  problems.add(path, value, "must be a certificate store name such as 'MY', 'TrustedPeople' or 'WebHosting'");
  return defaultSettings.storeName;
}

function readAccounts(value: unknown, path: string, problems: ProblemList): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value) && value.every((account) => typeof account === 'string' && account.trim() !== '')) {
    return value.map((account: string) => account.trim());
  }
  problems.add(path, value, 'must be an array of account names, e.g. ["Network Service"]');
  return [];
}

function readUrl(value: unknown, path: string, problems: ProblemList): ObservedCertificate['ref'] | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(path, value, 'is required: the secret URL, e.g. https://myvault.vault.azure.net/secrets/mycert');
    return undefined;
  }
  try {
    return parseSecretUrl(value.trim());
  } catch (error) {
    if (!(error instanceof SecretUrlError)) throw error;
    problems.add(path, value, error.message.replace(/^Invalid Key Vault URL '[^']*': /, ''));
    return undefined;
  }
}

interface StoreDefaults { storeName: unknown; storeLocation: unknown }

function readObserved(entry: unknown, index: number, defaults: StoreDefaults, problems: ProblemList): ObservedCertificate | undefined {
  const path = `secretsManagementSettings.observedCertificates[${index}]`;
  const item: Json | undefined = typeof entry === 'string' ? { url: entry } : isObject(entry) ? entry : undefined;
  if (!item) {
    problems.add(path, entry, 'must be an object with a url, or a URL string');
    return undefined;
  }

  const ref = readUrl(item.url, `${path}.url`, problems);
  const storeName = readStoreName(item.certificateStoreName ?? defaults.storeName, `${path}.certificateStoreName`, problems);
  const storeLocation = readStoreLocation(item.certificateStoreLocation ?? defaults.storeLocation, `${path}.certificateStoreLocation`, problems);
  const keyExportable = readBoolean(item, 'keyExportable', `${path}.keyExportable`, problems);
  const accounts = readAccounts(item.accounts, `${path}.accounts`, problems);
  const hooks = readHooks(item.hooks, `${path}.hooks`, problems);
  if (!ref) return undefined;
  return { url: ref.url, ref, storeName, storeLocation, keyExportable, accounts, ...(hooks ? { hooks } : {}) };
}

function readObservedList(secrets: Json, problems: ProblemList): ObservedCertificate[] {
  const list = secrets.observedCertificates;
  if (!Array.isArray(list) || list.length === 0) {
    problems.add('secretsManagementSettings.observedCertificates', list,
      'must be a non-empty array of certificates to observe, e.g. [{"url": "https://myvault.vault.azure.net/secrets/mycert"}]');
    return [];
  }

  const defaults = { storeName: secrets.certificateStoreName, storeLocation: secrets.certificateStoreLocation };
  const observed = list.flatMap((entry, index) => readObserved(entry, index, defaults, problems) ?? []);
  const seen = new Map<string, number>();
  observed.forEach((certificate, index) => {
    const key = certificate.url.toLowerCase().replace(/\/+$/, '');
    if (seen.has(key)) {
      problems.add(`secretsManagementSettings.observedCertificates[${index}].url`, certificate.url,
        `repeats observedCertificates[${seen.get(key)}]; list each certificate once`);
    }
    seen.set(key, index);
  });
  return observed;
}

function readEndpoint(value: unknown, problems: ProblemList): string {
  if (value === undefined || value === null || value === '') return azureMetadataTokenEndpoint;
  const text = typeof value === 'string' ? value : '';
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.hostname === '' || /^https?:\/\/\//i.test(text)) {
    problems.add('authenticationSettings.msiEndpoint', value,
      'must be an http URL of the managed-identity endpoint, e.g. http://169.254.169.254/metadata/identity/oauth2/token');
    return azureMetadataTokenEndpoint;
  }
  return text;
}

function readClientId(value: unknown, problems: ProblemList): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && guidPattern.test(value)) return value;
  const hint = typeof value === 'string' && value.toLowerCase().startsWith('/subscriptions/')
    ? " This is the identity's resource ID; use its client ID instead (az identity show --ids <id> --query clientId)."
    : '';
  problems.add('authenticationSettings.msiClientId', value,
    `must be the client ID (a GUID) of the user-assigned identity.${hint}`);
  return undefined;
}

function readAuthentication(root: Json, secrets: Json, problems: ProblemList): Pick<Settings, 'msiEndpoint' | 'msiClientId'> {
  let auth = root.authenticationSettings;
  if (auth === undefined && isObject(secrets.authenticationSettings)) {
    problems.add('secretsManagementSettings.authenticationSettings', secrets.authenticationSettings,
      'belongs next to secretsManagementSettings, not inside it; move it one level up');
    auth = secrets.authenticationSettings;
  }
  if (auth === undefined || auth === null) return { msiEndpoint: azureMetadataTokenEndpoint };
  if (!isObject(auth)) {
    problems.add('authenticationSettings', auth, 'must be an object with msiEndpoint and msiClientId');
    return { msiEndpoint: azureMetadataTokenEndpoint };
  }
  return { msiEndpoint: readEndpoint(auth.msiEndpoint, problems), msiClientId: readClientId(auth.msiClientId, problems) };
}

/**
 * Validates settings in any accepted form (see settings-forms.ts) and returns them with
 * defaults applied. Throws SettingsError listing every problem found.
 */
export function validateSettings(raw: unknown, source: string): ValidatedSettings {
  const { publicSettings, prefix, notes } = unwrapSettings(raw);
  const problems = new ProblemList(prefix);
  if (!isObject(publicSettings) || !isObject(publicSettings.secretsManagementSettings)) {
    problems.add('secretsManagementSettings', isObject(publicSettings) ? publicSettings.secretsManagementSettings : publicSettings,
      'is required: an object with observedCertificates');
    throw new SettingsError(source, problems.problems);
  }

  const secrets = publicSettings.secretsManagementSettings;
  const settings: Settings = {
    pollingIntervalS: readPollingInterval(secrets, problems),
    linkOnRenewal: readBoolean(secrets, 'linkOnRenewal', 'secretsManagementSettings.linkOnRenewal', problems),
    requireInitialSync: readBoolean(secrets, 'requireInitialSync', 'secretsManagementSettings.requireInitialSync', problems),
    observedCertificates: readObservedList(secrets, problems),
    retainVersions: readRetainVersions(secrets, problems),
    maxConcurrency: readMaxConcurrency(secrets, problems),
    ...readAuthentication(publicSettings, secrets, problems),
  };
  const hooks = readHooks(secrets.hooks, 'secretsManagementSettings.hooks', problems);
  if (hooks) settings.hooks = hooks;
  if (problems.problems.length > 0) throw new SettingsError(source, problems.problems);
  return { settings, notes };
}
