// The vault-wide secret listing (GET /secrets): one page per request with up to 25
// secrets, each with the attributes of its latest version and no value. An agent that
// watches many secrets of one vault reads it to learn which of them changed.
import type { SecretClient, SecretProperties } from '@azure/keyvault-secrets';
import type { SecretRef } from './secret-url.ts';

/**
 * One secret as the listing shows it: the attributes of its latest version, in whole seconds.
 * Key Vault's listing ids name no version.
 */
export interface ListedSecret {
  name: string;
  enabled: boolean;
  updatedOn?: Date;
  createdOn?: Date;
  notBefore?: Date;
  expiresOn?: Date;
}

/** The secrets of a vault, as far as the listing went. */
export interface SecretListing {
  /** By lower-case name, because Key Vault compares secret names without case. */
  secrets: Map<string, ListedSecret>;
  /** False when the listing stopped at `maxPages` while more pages existed. */
  complete: boolean;
  /** Requests sent: one per page. */
  pages: number;
}

export interface ListOptions {
  /** Pages after which the listing stops, at least 1. */
  maxPages: number;
  signal?: AbortSignal;
}

/** Source of vault secret listings. */
export interface SecretLister {
  /**
   * Lists the secrets of the vault that `ref` belongs to. Needs secrets/list.
   * Throws KeyVaultError, whose certificateUrl is the listing URL `<vault>/secrets`.
   */
  listSecrets(ref: SecretRef, options: ListOptions): Promise<SecretListing>;
}

/** Maximum page size the service returns (`maxresults` 1..25). */
const pageSize = 25;

/** Reads pages of the listing with `client` until the last page or `maxPages`. Throws the SDK's errors. */
export async function readSecretListing(client: SecretClient, options: ListOptions): Promise<SecretListing> {
  const listing: SecretListing = { secrets: new Map(), complete: false, pages: 0 };
  // NOTE: the SDK passes abortSignal to the first page only, so later pages stop at the check below.
  const pages = client.listPropertiesOfSecrets({ abortSignal: options.signal }).byPage({ maxPageSize: pageSize });
  for await (const page of pages) {
    listing.pages += 1;
    for (const properties of page) addListedSecret(listing, properties);
    if (listing.pages >= options.maxPages) return listing;
    options.signal?.throwIfAborted();
  }

  listing.complete = true;
  return listing;
}

function addListedSecret(listing: SecretListing, properties: SecretProperties): void {
  if (!properties.name) return;
  listing.secrets.set(properties.name.toLowerCase(), {
    name: properties.name,
    enabled: properties.enabled ?? true,
    updatedOn: properties.updatedOn,
    createdOn: properties.createdOn,
    notBefore: properties.notBefore,
    expiresOn: properties.expiresOn,
  });
}

/** Builds a SecretRef of the listing's own URL, for error messages about the listing. */
export function listingRef(ref: SecretRef): SecretRef {
  return { ...ref, url: `${ref.vaultUrl}/secrets`, secretName: '', version: undefined };
}
