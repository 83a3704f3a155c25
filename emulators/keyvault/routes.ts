// The secrets operations the emulator serves, as a function from request to response.
import { badParameter, keyVaultError, secretDisabled, secretNotFound } from './error-bodies.ts';
import type { EmulatorResponse } from './error-bodies.ts';
import { toSecretBundle, toSecretItem } from './secret-json.ts';
import { listSecrets } from './secret-listing.ts';
import type { SecretStore } from './secret-store.ts';

/** An authenticated request, already parsed. */
export interface VaultRequest {
  method: string;
  url: URL;
  bodyText: string;
}

const namePattern = /^[0-9a-zA-Z-]{1,127}$/;
const defaultPageSize = 25;

/**
 * Serves GET `/secrets` (the listing), GET/PUT on `/secrets/{name}`, GET `/secrets/{name}/{version}`
 * and GET `/secrets/{name}/versions`.
 */
export function routeRequest(request: VaultRequest, store: SecretStore, vaultUrl: string): EmulatorResponse {
  if (!request.url.searchParams.get('api-version')) {
    return badParameter('The api-version query parameter is missing.');
  }

  const segments = request.url.pathname.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
  if (request.method === 'GET' && segments.length === 1 && segments[0] === 'secrets') return listSecrets(store, vaultUrl, request.url);
  if (segments[0] !== 'secrets' || segments.length < 2 || segments.length > 3) {
    return keyVaultError(404, 'NotFound', `The kvcert emulator does not serve ${request.method} ${request.url.pathname}.`);
  }

  const [, name, third] = segments;
  if (request.method === 'PUT' && third === undefined) return putSecret(store, vaultUrl, name, request.bodyText);
  if (request.method !== 'GET') {
    return keyVaultError(405, 'MethodNotAllowed', `The kvcert emulator does not serve ${request.method} ${request.url.pathname}.`);
  }
  if (third === 'versions') return listVersions(store, vaultUrl, name, request.url);
  return getSecret(store, vaultUrl, name, third);
}

function getSecret(store: SecretStore, vaultUrl: string, name: string, version: string | undefined): EmulatorResponse {
  const entry = version === undefined ? store.latest(name) : store.find(name, version);
  if (!entry) return secretNotFound(name, version);
  if (!entry.enabled) return secretDisabled();
  return { status: 200, body: toSecretBundle(vaultUrl, entry) };
}

function putSecret(store: SecretStore, vaultUrl: string, name: string, bodyText: string): EmulatorResponse {
  if (!namePattern.test(name)) {
    return badParameter(`The secret name '${name}' is invalid. Use 1 to 127 letters, digits and dashes.`);
  }

  let body: { value?: unknown; contentType?: unknown; attributes?: { enabled?: unknown; nbf?: unknown; exp?: unknown }; tags?: unknown };
  try {
    body = JSON.parse(bodyText) as typeof body;
  } catch {
    return badParameter('The request body is not valid JSON.');
  }
  if (typeof body.value !== 'string') return badParameter('The request body must contain a string "value".');

  const entry = store.add(name, {
    value: body.value,
    contentType: typeof body.contentType === 'string' ? body.contentType : undefined,
    enabled: typeof body.attributes?.enabled === 'boolean' ? body.attributes.enabled : true,
    notBefore: typeof body.attributes?.nbf === 'number' ? body.attributes.nbf : undefined,
    expires: typeof body.attributes?.exp === 'number' ? body.attributes.exp : undefined,
    tags: isStringRecord(body.tags) ? body.tags : {},
  });
  return { status: 200, body: toSecretBundle(vaultUrl, entry) };
}

// NOTE: for a name that does not exist this returns 404 SecretNotFound; whether the real
// service returns that or an empty list was not checked.
function listVersions(store: SecretStore, vaultUrl: string, name: string, url: URL): EmulatorResponse {
  const versions = store.versions(name);
  if (!versions) return secretNotFound(name);

  const pageSize = parsePageSize(url.searchParams.get('maxresults'));
  if (pageSize === undefined) return badParameter('maxresults must be an integer from 1 to 25.');
  const offset = parseSkipToken(url.searchParams.get('$skiptoken'));
  if (offset === undefined) return badParameter('The $skiptoken is invalid.');

  const page = versions.slice(offset, offset + pageSize);
  const nextOffset = offset + page.length;
  const apiVersion = url.searchParams.get('api-version') ?? '';
  const nextLink = nextOffset < versions.length
    ? `${vaultUrl}/secrets/${versions[0].name}/versions?api-version=${encodeURIComponent(apiVersion)}` +
      `&$skiptoken=${Buffer.from(String(nextOffset)).toString('base64url')}&maxresults=${pageSize}`
    : null;
  return { status: 200, body: { value: page.map((entry) => toSecretItem(vaultUrl, entry)), nextLink } };
}

function parsePageSize(text: string | null): number | undefined {
  if (text === null) return defaultPageSize;
  const size = Number(text);
  return Number.isInteger(size) && size >= 1 && size <= 25 ? size : undefined;
}

function parseSkipToken(text: string | null): number | undefined {
  if (text === null) return 0;
  const offset = Number(Buffer.from(text, 'base64url').toString('utf8'));
  return Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((entry) => typeof entry === 'string');
}
