import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listingPageBudget, listingShowsUnchanged, recordOf, updatedMarginS } from '../../../actors/vault-poll/listing-decision.ts';
import type { SecretRecord } from '../../../actors/vault-poll/listing-decision.ts';
import type { FetchedSecret } from '../../../adapters/keyvault/secret-source.ts';

const decision = suite('listing decision');

const updatedS = 1_800_000_000;
const record: SecretRecord = { version: 'abc123', updatedS, answeredS: updatedS + updatedMarginS };
const listed = (seconds: number, enabled = true) => ({ name: 'web', enabled, updatedOn: new Date(seconds * 1000) });

decision('same update time proves unchanged', () => {
  assert.ok(listingShowsUnchanged(record, listed(updatedS), 'abc123'));
});

decision('installed version compares without case', () => {
  assert.ok(listingShowsUnchanged(record, listed(updatedS), 'ABC123'));
});

decision('later update time needs a GET', () => {
  assert.not.ok(listingShowsUnchanged(record, listed(updatedS + 1), 'abc123'));
});

decision('another installed version needs a GET', () => {
  assert.not.ok(listingShowsUnchanged(record, listed(updatedS), 'def456'));
});

decision('GET within the margin of the update needs a GET', () => {
  const recent = { ...record, answeredS: updatedS + updatedMarginS - 1 };

  assert.not.ok(listingShowsUnchanged(recent, listed(updatedS), 'abc123'));
});

decision('disabled or missing secret needs a GET', () => {
  assert.not.ok(listingShowsUnchanged(record, listed(updatedS, false), 'abc123'));
  assert.not.ok(listingShowsUnchanged(record, undefined, 'abc123'));
  assert.not.ok(listingShowsUnchanged(undefined, listed(updatedS), 'abc123'));
});

decision('unknown times need a GET', () => {
  assert.not.ok(listingShowsUnchanged({ version: 'abc123', updatedS }, listed(updatedS), 'abc123'));
  assert.not.ok(listingShowsUnchanged({ version: 'abc123', answeredS: updatedS + 60 }, listed(updatedS), 'abc123'));
  assert.not.ok(listingShowsUnchanged(record, { name: 'web', enabled: true }, 'abc123'));
});

decision('record takes whole seconds of a GET', () => {
  const secret: FetchedSecret = {
    value: 'x', version: 'v1', id: 'https://v.vault.azure.net/secrets/web/v1', enabled: true,
    updatedOn: new Date(1_800_000_000_900), serverTime: new Date(1_800_000_010_000),
    createdOn: new Date(1_799_999_000_000), notBefore: new Date(1_799_990_000_000), expiresOn: new Date(1_830_000_000_000),
  };

  assert.equal(recordOf(secret), {
    version: 'v1', updatedS: 1_800_000_000, answeredS: 1_800_000_010,
    createdS: 1_799_999_000, notBeforeS: 1_799_990_000, expiresS: 1_830_000_000,
  });
});

decision('new validity needs a GET despite the same update time', () => {
  const withValidity = { ...record, notBeforeS: updatedS - 3600, expiresS: updatedS + 86_400 };
  const sameValidity = { ...listed(updatedS), notBefore: new Date((updatedS - 3600) * 1000), expiresOn: new Date((updatedS + 86_400) * 1000) };
  const renewed = { ...sameValidity, expiresOn: new Date((updatedS + 2 * 86_400) * 1000) };

  assert.ok(listingShowsUnchanged(withValidity, sameValidity, 'abc123'));
  assert.not.ok(listingShowsUnchanged(withValidity, renewed, 'abc123'));
  assert.not.ok(listingShowsUnchanged(withValidity, { ...sameValidity, createdOn: new Date(updatedS * 1000) }, 'abc123'));
});

decision('page budget stays below the GETs it replaces', () => {
  assert.is(listingPageBudget(0, 0), 0);
  assert.is(listingPageBudget(1, 0), 0);
  assert.is(listingPageBudget(2, 0), 1);
  assert.is(listingPageBudget(1000, 0), 999);
});

decision('page budget waits for more secrets after a cut listing', () => {
  assert.is(listingPageBudget(4, 3), 0);
  assert.is(listingPageBudget(5, 3), 4);
});

decision.run();
