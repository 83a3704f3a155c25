import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManagedIdentityTokenCredential } from '../../../adapters/imds/managed-identity-credential.ts';
import { KeyVaultSecretSource } from '../../../adapters/keyvault/keyvault-secret-source.ts';
import { KeyVaultError } from '../../../adapters/keyvault/secret-source.ts';
import { parseSecretUrl } from '../../../adapters/keyvault/secret-url.ts';
import { startKeyVaultEmulator } from '../../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator } from '../../../emulators/keyvault-emulator.ts';
import { startTokenEmulator } from '../../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../../emulators/token-emulator.ts';

interface Context {
  tokens: TokenEmulator;
  vault: KeyVaultEmulator;
  other: KeyVaultEmulator;
  source: KeyVaultSecretSource;
}

const listing = suite<Context>('key vault secret listing');

listing.before.each(async (context) => {
  context.tokens = await startTokenEmulator();
  context.vault = await startKeyVaultEmulator({ verifyToken: context.tokens.verifyToken });
  context.other = await startKeyVaultEmulator({ verifyToken: context.tokens.verifyToken });
  const credential = new ManagedIdentityTokenCredential({ endpoint: context.tokens.endpoint, maxRetries: 0 });
  context.source = new KeyVaultSecretSource({ credential, trustedCaPem: `${context.vault.caPem}${context.other.caPem}`, maxRetries: 0 });
  for (let index = 0; index < 30; index += 1) context.vault.setSecret(`cert-${index}`, { value: `value ${index}` });
});

listing.after.each(async (context) => {
  await context.vault.close();
  await context.other.close();
  await context.tokens.close();
});

const refIn = (vault: KeyVaultEmulator, name: string) => parseSecretUrl(`${vault.url}/secrets/${name}`);

listing('lists every secret over pages', async ({ vault, source }) => {
  const result = await source.listSecrets(refIn(vault, 'cert-0'), { maxPages: 10 });

  assert.is(result.pages, 2);
  assert.ok(result.complete);
  assert.is(result.secrets.size, 30);
  const first = result.secrets.get('cert-0')!;
  assert.is(first.enabled, true);
  assert.instance(first.updatedOn, Date);
  assert.equal(vault.requests.filter((request) => request.authorization).map((request) => request.path), ['/secrets', '/secrets']);
});

listing('stops at maxPages', async ({ vault, source }) => {
  const result = await source.listSecrets(refIn(vault, 'cert-0'), { maxPages: 1 });

  assert.is(result.pages, 1);
  assert.not.ok(result.complete);
  assert.is(result.secrets.size, 25);
});

listing('denied listing is a 403 KeyVaultError', async ({ vault, source }) => {
  vault.denyListing(true);

  const error = await source.listSecrets(refIn(vault, 'cert-0'), { maxPages: 10 }).then(() => undefined, (caught: unknown) => caught);

  assert.instance(error, KeyVaultError);
  assert.is((error as KeyVaultError).statusCode, 403);
  assert.is((error as KeyVaultError).certificateUrl, `${vault.url}/secrets`);
});

listing('GET reports update time and vault clock', async ({ vault, source }) => {
  const before = Date.now();

  const secret = await source.getSecret(refIn(vault, 'cert-3'));

  assert.instance(secret.updatedOn, Date);
  assert.instance(secret.serverTime, Date);
  assert.ok(Math.abs(secret.serverTime!.getTime() - before) < 5_000);
  assert.ok(secret.updatedOn!.getTime() <= secret.serverTime!.getTime());
});

listing('one client and one token serve a vault', async ({ tokens, vault, other, source }) => {
  for (let index = 0; index < 5; index += 1) await source.getSecret(refIn(vault, `cert-${index}`));
  await source.listSecrets(refIn(vault, 'cert-0'), { maxPages: 10 });
  other.setSecret('api', { value: 'other vault' });
  await source.getSecret(refIn(other, 'api'));
  await source.getSecret(refIn(other, 'api'));

  // Each SecretClient sends its first request without a token to get the challenge.
  assert.is(vault.requests.filter((request) => !request.authorization).length, 1);
  assert.is(other.requests.filter((request) => !request.authorization).length, 1);
  assert.is(vault.requests.filter((request) => request.authorization).length, 7);
  // Both vaults take tokens for https://vault.azure.net, which the credential caches.
  assert.is(tokens.requests.length, 1);
});

listing.run();
