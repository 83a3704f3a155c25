import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { VaultPollCoordinator } from '../../../actors/vault-poll/vault-poll-coordinator.ts';
import { createLogger } from '../../../actors/logger.ts';
import type { ListedSecret, ListOptions, SecretListing } from '../../../adapters/keyvault/secret-listing.ts';
import { KeyVaultError } from '../../../adapters/keyvault/secret-source.ts';
import type { FetchedSecret } from '../../../adapters/keyvault/secret-source.ts';
import { parseSecretUrl } from '../../../adapters/keyvault/secret-url.ts';
import type { SecretRef } from '../../../adapters/keyvault/secret-url.ts';

const coordinator = suite('vault poll coordinator');

const vault = 'https://contoso.vault.azure.net';
const updatedS = 1_800_000_000;
const refOf = (name: string) => parseSecretUrl(`${vault}/secrets/${name}`);

/** A vault of named secrets, each with a latest version and an update time in seconds. */
class FakeVault {
  secrets = new Map<string, { version: string; updatedS: number; enabled: boolean }>();
  gets: string[] = [];
  listings: ListOptions[] = [];
  listingError?: Error;
  pages = 1;
  complete = true;

  add(name: string, version = `${name}-v1`, updated = updatedS): void {
    this.secrets.set(name, { version, updatedS: updated, enabled: true });
  }

  async getSecret(ref: SecretRef): Promise<FetchedSecret> {
    this.gets.push(ref.secretName);
    const secret = this.secrets.get(ref.secretName)!;
    return {
      value: 'pfx', version: secret.version, id: `${vault}/secrets/${ref.secretName}/${secret.version}`, enabled: true,
      updatedOn: new Date(secret.updatedS * 1000), serverTime: new Date((updatedS + 60) * 1000),
    };
  }

  async listSecrets(_ref: SecretRef, options: ListOptions): Promise<SecretListing> {
    this.listings.push(options);
    await Promise.resolve();
    if (this.listingError) throw this.listingError;
    const secrets = new Map<string, ListedSecret>([...this.secrets].map(([name, secret]) =>
      [name, { name, enabled: secret.enabled, updatedOn: new Date(secret.updatedS * 1000) }]));
    return { secrets, complete: this.complete, pages: this.pages };
  }
}

function setUp(names: string[], now: () => number = Date.now) {
  const fake = new FakeVault();
  for (const name of names) fake.add(name);
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) });
  const polls = new VaultPollCoordinator({ source: fake, lister: fake, logger, now });
  return { fake, polls, lines };
}

/** Runs one poll round: check each name, GET those that need it. Returns the names fetched. */
async function pollRound(polls: VaultPollCoordinator, names: string[], installed: (name: string) => string | undefined): Promise<string[]> {
  polls.beginPoll();
  const fetched: string[] = [];
  await Promise.all(names.map(async (name) => {
    const check = await polls.check(refOf(name), installed(name));
    if (!check.unchanged) {
      await polls.getSecret(refOf(name));
      fetched.push(name);
    }
  }));
  return fetched.sort();
}

const names = ['a', 'b', 'c', 'd'];
const installedV1 = (name: string) => `${name}-v1`;

coordinator('first poll fetches every secret without a listing', async () => {
  const { fake, polls } = setUp(names);

  const fetched = await pollRound(polls, names, () => undefined);

  assert.equal(fetched, names);
  assert.is(fake.listings.length, 0);
});

coordinator('unchanged secrets need one listing and no GET', async () => {
  const { fake, polls } = setUp(names);
  await pollRound(polls, names, () => undefined);
  fake.gets = [];

  const fetched = await pollRound(polls, names, installedV1);

  assert.equal(fetched, []);
  assert.is(fake.gets.length, 0);
  assert.is(fake.listings.length, 1);
  assert.is(fake.listings[0].maxPages, 3);
  assert.is(polls.stats.skippedGets, 4);
});

coordinator('changed secret alone is fetched', async () => {
  const { fake, polls } = setUp(names);
  await pollRound(polls, names, () => undefined);
  fake.add('c', 'c-v2', updatedS + 30);

  const fetched = await pollRound(polls, names, installedV1);

  assert.equal(fetched, ['c']);
});

coordinator('each round lists again', async () => {
  const { fake, polls } = setUp(names);
  await pollRound(polls, names, () => undefined);

  await pollRound(polls, names, installedV1);
  await pollRound(polls, names, installedV1);

  assert.is(fake.listings.length, 2);
});

coordinator('installed pinned version needs no request', async () => {
  const { fake, polls } = setUp(names);
  const pinned = parseSecretUrl(`${vault}/secrets/a/0123456789abcdef`);

  const installed = await polls.check(pinned, '0123456789ABCDEF');
  const other = await polls.check(pinned, 'fedcba9876543210');

  assert.ok(installed.unchanged);
  assert.not.ok(other.unchanged);
  assert.is(fake.gets.length + fake.listings.length, 0);
});

coordinator('forbidden listing falls back to GETs and pauses', async () => {
  const { fake, polls, lines } = setUp(names);
  await pollRound(polls, names, () => undefined);
  fake.listingError = new KeyVaultError({ certificateUrl: `${vault}/secrets`, statusCode: 403, reason: 'AccessDenied', message: 'denied' });

  const first = await pollRound(polls, names, installedV1);
  const second = await pollRound(polls, names, installedV1);

  assert.equal(first, names);
  assert.equal(second, names);
  assert.is(fake.listings.length, 1);
  assert.match(lines.join(''), /"event":"vault.listing_forbidden"/);
  assert.match(lines.join(''), /Grant the VM identity 'list' on secrets/);
});

coordinator('failed listing falls back to GETs and lists next round', async () => {
  const { fake, polls, lines } = setUp(names);
  await pollRound(polls, names, () => undefined);
  fake.listingError = new KeyVaultError({ certificateUrl: `${vault}/secrets`, statusCode: 500, reason: 'ServiceUnavailable', message: 'busy' });

  const first = await pollRound(polls, names, installedV1);
  fake.listingError = undefined;
  const second = await pollRound(polls, names, installedV1);

  assert.equal(first, names);
  assert.equal(second, []);
  assert.is(fake.listings.length, 2);
  assert.match(lines.join(''), /"event":"vault.listing_failed"/);
});

coordinator('throttled listing fails the check with Throttled', async () => {
  const { fake, polls } = setUp(names);
  await pollRound(polls, names, () => undefined);
  fake.listingError = new KeyVaultError({
    certificateUrl: `${vault}/secrets`, statusCode: 429, reason: 'Throttled', retryAfterMs: 7_000, message: 'slow down',
  });
  polls.beginPoll();

  const error = await polls.check(refOf('b'), 'b-v1').then(() => undefined, (caught: unknown) => caught);

  assert.instance(error, KeyVaultError);
  assert.is((error as KeyVaultError).reason, 'Throttled');
  assert.is((error as KeyVaultError).certificateUrl, `${vault}/secrets/b`);
  assert.is((error as KeyVaultError).retryAfterMs, 7_000);
  assert.is(fake.gets.length, 4);
});

coordinator('cut listing is not repeated until more secrets are watched', async () => {
  const { fake, polls, lines } = setUp(names);
  await pollRound(polls, names, () => undefined);
  fake.complete = false;
  fake.pages = 3;

  await pollRound(polls, names, installedV1);
  const fetched = await pollRound(polls, names, installedV1);

  assert.is(fake.listings.length, 1);
  assert.equal(fetched, names);
  assert.match(lines.join(''), /"event":"vault.listing_stopped"/);
});

coordinator('stale listing is not used for late checks', async () => {
  let nowMs = 1_000_000;
  const { fake, polls } = setUp(names, () => nowMs);
  await pollRound(polls, names, () => undefined);
  polls.beginPoll();
  await polls.check(refOf('a'), 'a-v1');

  nowMs += 61_000;
  const late = await polls.check(refOf('b'), 'b-v1');

  assert.not.ok(late.unchanged);
  assert.is(fake.listings.length, 1);
});

coordinator('aborted check rejects while the listing runs on', async () => {
  const { fake, polls } = setUp(names);
  await pollRound(polls, names, () => undefined);
  polls.beginPoll();
  const controller = new AbortController();

  const pending = polls.check(refOf('a'), 'a-v1', controller.signal);
  controller.abort(new Error('actor stopped'));
  const error = await pending.then(() => undefined, (caught: Error) => caught);
  const other = await polls.check(refOf('b'), 'b-v1');

  assert.is(error?.message, 'actor stopped');
  assert.ok(other.unchanged);
  assert.is(fake.listings.length, 1);
});

coordinator.run();
