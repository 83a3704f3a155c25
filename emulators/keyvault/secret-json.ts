// Secret versions in the JSON shapes of the Key Vault API: SecretBundle and SecretItem.
import type { StoredSecretVersion } from './secret-store.ts';

export function secretId(vaultUrl: string, entry: StoredSecretVersion): string {
  return `${vaultUrl}/secrets/${entry.name}/${entry.version}`;
}

function attributesOf(entry: StoredSecretVersion): Record<string, unknown> {
  const attributes: Record<string, unknown> = {
    enabled: entry.enabled,
    created: entry.created,
    updated: entry.updated,
    recoverableDays: 90,
    recoveryLevel: 'Recoverable+Purgeable',
  };
  if (entry.notBefore !== undefined) attributes.nbf = entry.notBefore;
  if (entry.expires !== undefined) attributes.exp = entry.expires;
  return attributes;
}

/** Converts a version to a SecretBundle, the body of GET and PUT on one secret, which contains the value. */
export function toSecretBundle(vaultUrl: string, entry: StoredSecretVersion): Record<string, unknown> {
  const bundle: Record<string, unknown> = {
    value: entry.value,
    id: secretId(vaultUrl, entry),
    attributes: attributesOf(entry),
    tags: entry.tags,
  };
  if (entry.contentType !== undefined) bundle.contentType = entry.contentType;
  if (entry.managed) {
    bundle.kid = `${vaultUrl}/keys/${entry.name}/${entry.version}`;
    bundle.managed = true;
  }
  if (entry.previousVersion) bundle.previousVersion = entry.previousVersion;
  return bundle;
}

/** Converts a version to a SecretItem of a versions listing, which is the bundle without the value. */
export function toSecretItem(vaultUrl: string, entry: StoredSecretVersion): Record<string, unknown> {
  const item: Record<string, unknown> = {
    id: secretId(vaultUrl, entry),
    attributes: attributesOf(entry),
    tags: entry.tags,
  };
  if (entry.contentType !== undefined) item.contentType = entry.contentType;
  if (entry.managed) item.managed = true;
  return item;
}
