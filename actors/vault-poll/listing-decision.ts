// When a vault listing may stand in for a GET: pure rules, so that they can be tested
// without a vault.
import type { ListedSecret } from '../../adapters/keyvault/secret-listing.ts';
import type { FetchedSecret } from '../../adapters/keyvault/secret-source.ts';

/** Facts from the last GET of a secret's latest version, with times in whole Unix seconds. */
export interface SecretRecord {
  version: string;
  /** `attributes.updated` of that version. */
  updatedS?: number;
  /** The vault's clock (the Date header) when it sent the response. */
  answeredS?: number;
  /**
   * `created`, `nbf` and `exp` of that version. A renewed certificate has a new validity, so
   * these differ even where update times could not tell two versions apart.
   */
  createdS?: number;
  notBeforeS?: number;
  expiresS?: number;
}

/**
 * Seconds that must pass between a version's `updated` time and the GET that read it
 * before a listing showing the same `updated` time proves that nothing changed. Key Vault
 * times have whole seconds, so a version created in the same second as the one read would
 * look the same. The margin also covers clocks of different Key Vault hosts.
 * NOTE: the clock difference between Key Vault hosts is not documented, so 5 s is an estimate.
 */
export const updatedMarginS = 5;

/** Builds the record of a GET of the latest version. */
export function recordOf(secret: FetchedSecret): SecretRecord {
  return {
    version: secret.version,
    updatedS: wholeSeconds(secret.updatedOn),
    answeredS: wholeSeconds(secret.serverTime),
    createdS: wholeSeconds(secret.createdOn),
    notBeforeS: wholeSeconds(secret.notBefore),
    expiresS: wholeSeconds(secret.expiresOn),
  };
}

/**
 * Returns true when the listing proves that the latest version is still `installedVersion`:
 * the last GET returned that version, the listing shows the secret enabled with the same
 * `updated`, `created`, `nbf` and `exp` times, and the response to that GET came at least
 * updatedMarginS after the update.
 */
export function listingShowsUnchanged(record: SecretRecord | undefined, listed: ListedSecret | undefined, installedVersion: string): boolean {
  if (!record || !listed?.enabled || record.version.toLowerCase() !== installedVersion.toLowerCase()) return false;
  const listedS = wholeSeconds(listed.updatedOn);
  if (listedS === undefined || record.updatedS === undefined || record.answeredS === undefined) return false;
  const sameTimes = listedS === record.updatedS && wholeSeconds(listed.createdOn) === record.createdS &&
    wholeSeconds(listed.notBefore) === record.notBeforeS && wholeSeconds(listed.expiresOn) === record.expiresS;
  return sameTimes && record.answeredS - record.updatedS >= updatedMarginS;
}

/**
 * Returns the maximum pages a listing may read and still cost fewer requests than one GET
 * per recorded secret. `pagesTooFew` is the number of pages an earlier listing read without
 * reaching the end, 0 when none stopped early. A result of 0 means no listing.
 */
export function listingPageBudget(recorded: number, pagesTooFew: number): number {
  const budget = recorded - 1;
  return budget > pagesTooFew ? budget : 0;
}

function wholeSeconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : Math.floor(date.getTime() / 1000);
}
