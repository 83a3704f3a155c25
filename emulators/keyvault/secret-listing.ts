// GET /secrets: the vault-wide listing, one item per secret with the attributes of its
// latest version. As in Key Vault, the item id is the secret's base id, without a version.
import { badParameter, keyVaultError } from './error-bodies.ts';
import type { EmulatorResponse } from './error-bodies.ts';
import { toSecretItem } from './secret-json.ts';
import type { SecretStore, StoredSecretVersion } from './secret-store.ts';

/** Page size when the request sets no `maxresults`, and the largest it may set. */
const maxPageSize = 25;

/** Serves one page of the listing; `$skiptoken` carries the offset of the next page. */
export function listSecrets(store: SecretStore, vaultUrl: string, url: URL): EmulatorResponse {
  const pageSize = parsePageSize(url.searchParams.get('maxresults'));
  if (pageSize === undefined) return badParameter(`maxresults must be an integer from 1 to ${maxPageSize}.`);
  const offset = parseSkipToken(url.searchParams.get('$skiptoken'));
  if (offset === undefined) return badParameter('The $skiptoken is invalid.');

  const latest = store.latestOfEach();
  const page = latest.slice(offset, offset + pageSize);
  const nextOffset = offset + page.length;
  const apiVersion = url.searchParams.get('api-version') ?? '';
  const nextLink = nextOffset < latest.length
    ? `${vaultUrl}/secrets?api-version=${encodeURIComponent(apiVersion)}` +
      `&$skiptoken=${Buffer.from(String(nextOffset)).toString('base64url')}&maxresults=${pageSize}`
    : null;
  return { status: 200, body: { value: page.map((entry) => listItem(vaultUrl, entry)), nextLink } };
}

/** The 403 Key Vault returns when the caller may get secrets but not list them. */
export function listForbidden(): EmulatorResponse {
  return keyVaultError(403, 'Forbidden',
    'The user, group or application does not have secrets list permission on key vault.', 'AccessDenied');
}

function listItem(vaultUrl: string, entry: StoredSecretVersion): Record<string, unknown> {
  return { ...toSecretItem(vaultUrl, entry), id: `${vaultUrl}/secrets/${entry.name}` };
}

function parsePageSize(text: string | null): number | undefined {
  if (text === null) return maxPageSize;
  const size = Number(text);
  return Number.isInteger(size) && size >= 1 && size <= maxPageSize ? size : undefined;
}

function parseSkipToken(text: string | null): number | undefined {
  if (text === null) return 0;
  const offset = Number(Buffer.from(text, 'base64url').toString('utf8'));
  return Number.isInteger(offset) && offset >= 0 ? offset : undefined;
}
