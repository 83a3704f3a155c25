// Parsing of observed-certificate URLs into vault, secret name and optional version.

/** A Key Vault secret reference taken apart. */
export interface SecretRef {
  /** The URL as the settings give it; the key of an observed certificate. */
  url: string;
  /** `https://host[:port]`, the base URL a SecretClient takes. */
  vaultUrl: string;
  vaultHost: string;
  /** The vault name: the first label of the host. */
  vaultName: string;
  secretName: string;
  /** Set when the URL pins one version; a pinned certificate is never renewed. */
  version?: string;
  /** The token audience of the vault's cloud, e.g. `https://vault.azure.net`. */
  resource: string;
}

/** Vault DNS suffixes and token resources of the Azure clouds. */
export const vaultClouds: ReadonlyArray<{ suffix: string; resource: string }> = [
  { suffix: '.vault.azure.net', resource: 'https://vault.azure.net' },
  { suffix: '.vault.azure.cn', resource: 'https://vault.azure.cn' },
  { suffix: '.vault.usgovcloudapi.net', resource: 'https://vault.usgovcloudapi.net' },
  { suffix: '.vault.microsoftazure.de', resource: 'https://vault.microsoftazure.de' },
  { suffix: '.managedhsm.azure.net', resource: 'https://managedhsm.azure.net' },
];

/** A URL that is not a Key Vault secret URL. The message names what to change. */
export class SecretUrlError extends Error {
  override name = 'SecretUrlError';
  readonly url: string;

  constructor(url: string, reason: string) {
    super(`Invalid Key Vault URL '${url}': ${reason}`);
    this.url = url;
  }
}

const namePattern = /^[0-9a-zA-Z-]{1,127}$/;
const versionPattern = /^[0-9a-zA-Z]{1,64}$/;

/** True for hosts that stand for this machine: emulators and tests use them. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Returns the token resource for a vault host; loopback emulators take the public cloud's. */
export function resourceForHost(host: string): string | undefined {
  const lower = host.toLowerCase();
  if (isLoopbackHost(lower)) return vaultClouds[0].resource;
  return vaultClouds.find((cloud) => lower.endsWith(cloud.suffix))?.resource;
}

/** Returns the first label of a vault host. An IP literal (an emulator) keeps all of it, with dashes. */
function vaultNameOf(host: string): string {
  if (/^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[')) return host.replace(/[^0-9a-z]+/gi, '-').replace(/^-|-$/g, '');
  return host.split('.')[0];
}

/**
 * Parses `https://<vault>.vault.azure.net/secrets/<name>[/<version>]`. Accepts a trailing
 * slash and an explicit `:443`; rejects `http:`, `/certificates/` and unknown hosts.
 */
export function parseSecretUrl(url: string): SecretRef {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SecretUrlError(url, 'not a URL. Use https://<vault>.vault.azure.net/secrets/<certificate>.');
  }

  if (parsed.protocol !== 'https:') {
    throw new SecretUrlError(url, `the scheme is '${parsed.protocol.replace(':', '')}'; Key Vault needs https.`);
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash) {
    throw new SecretUrlError(url, 'remove the user name, query or fragment from the URL.');
  }

  const host = parsed.hostname.toLowerCase();
  const resource = resourceForHost(host);
  if (!resource) {
    const suffixes = vaultClouds.map((cloud) => cloud.suffix).join(', ');
    throw new SecretUrlError(url, `'${host}' is not a Key Vault host. Expected a name ending in one of ${suffixes}.`);
  }

  const segments = parsed.pathname.split('/').filter((segment) => segment !== '');
  if (segments[0]?.toLowerCase() === 'certificates') {
    throw new SecretUrlError(url, 'a /certificates/ URL returns the certificate without its private key. ' +
      `Use the secret of the same name: ${parsed.origin}/secrets/${segments.slice(1).join('/')}`);
  }
  if (segments[0]?.toLowerCase() !== 'secrets' || segments.length < 2 || segments.length > 3) {
    throw new SecretUrlError(url, 'the path must be /secrets/<certificate> or /secrets/<certificate>/<version>.');
  }

  const [, secretName, version] = segments;
  if (!namePattern.test(secretName)) {
    throw new SecretUrlError(url, `'${secretName}' is not a valid secret name (letters, digits and '-' only).`);
  }
  if (version !== undefined && !versionPattern.test(version)) {
    throw new SecretUrlError(url, `'${version}' is not a valid secret version.`);
  }

  const port = parsed.port && parsed.port !== '443' ? `:${parsed.port}` : '';
  return {
    url,
    vaultUrl: `https://${host}${port}`,
    vaultHost: host,
    vaultName: vaultNameOf(host),
    secretName,
    version,
    resource,
  };
}
