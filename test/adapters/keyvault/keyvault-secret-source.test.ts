import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { ManagedIdentityTokenCredential } from '../../../adapters/imds/managed-identity-credential.ts';
import { KeyVaultSecretSource } from '../../../adapters/keyvault/keyvault-secret-source.ts';
import type { KeyVaultSecretSourceOptions } from '../../../adapters/keyvault/keyvault-secret-source.ts';
import { KeyVaultError } from '../../../adapters/keyvault/secret-source.ts';
import { parseSecretUrl } from '../../../adapters/keyvault/secret-url.ts';
import type { SecretRef } from '../../../adapters/keyvault/secret-url.ts';
import { startKeyVaultEmulator } from '../../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator } from '../../../emulators/keyvault-emulator.ts';
import { startTokenEmulator } from '../../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../../emulators/token-emulator.ts';
import { pkcs12WithIntermediate } from '../../../emulators/sample-certificates.ts';

interface Context {
  tokens: TokenEmulator;
  vault: KeyVaultEmulator;
  credential: ManagedIdentityTokenCredential;
}

const source = suite<Context>('key vault secret source');

source.before.each(async (context) => {
  context.tokens = await startTokenEmulator();
  context.vault = await startKeyVaultEmulator({ verifyToken: context.tokens.verifyToken });
  context.credential = new ManagedIdentityTokenCredential({ endpoint: context.tokens.endpoint, maxRetries: 0 });
});

source.after.each(async (context) => {
  await context.vault.close();
  await context.tokens.close();
});

function create(context: Context, options: Partial<KeyVaultSecretSourceOptions> = {}): KeyVaultSecretSource {
  return new KeyVaultSecretSource({ credential: context.credential, trustedCaPem: context.vault.caPem, maxRetries: 0, ...options });
}

function refOf(context: Context, path: string): SecretRef {
  return parseSecretUrl(`${context.vault.url}/secrets/${path}`);
}

async function failure(promise: Promise<unknown>): Promise<KeyVaultError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, KeyVaultError);
    return error as KeyVaultError;
  }
  assert.unreachable('expected the Key Vault call to fail');
  throw new Error('unreachable');
}

source('fetches the latest version over HTTPS', async (context) => {
  const sample = await pkcs12WithIntermediate('web.kvcert.test');
  context.vault.setSecret('web', { value: 'old', contentType: 'application/x-pkcs12' });
  const latest = context.vault.setSecret('web', { value: sample.value, contentType: sample.contentType });

  const secret = await create(context).getSecret(refOf(context, 'web'));

  assert.is(secret.value, sample.value);
  assert.is(secret.contentType, 'application/x-pkcs12');
  assert.is(secret.version, latest.version);
  assert.is(secret.id, latest.id);
  assert.is(secret.enabled, true);
  assert.instance(secret.createdOn, Date);
});

source('fetches a pinned version', async (context) => {
  const pinned = context.vault.setSecret('web', { value: 'first' });
  context.vault.setSecret('web', { value: 'second' });

  const secret = await create(context).getSecret(refOf(context, `web/${pinned.version}`));

  assert.is(secret.value, 'first');
  assert.is(secret.version, pinned.version);
});

source('completes the challenge before the token', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  const subject = create(context);

  await subject.getSecret(refOf(context, 'web'));
  await subject.getSecret(refOf(context, 'web'));

  assert.equal(context.vault.requests.map(({ status, authorization }) => ({ status, authorization })), [
    { status: 401, authorization: false },
    { status: 200, authorization: true },
    { status: 200, authorization: true },
  ]);
  assert.equal(context.tokens.requests.map((request) => request.resource), ['https://vault.azure.net']);
});

source('keeps one client per vault', async (context) => {
  const other = await startKeyVaultEmulator({ verifyToken: context.tokens.verifyToken });
  context.vault.setSecret('web', { value: 'a' });
  other.setSecret('web', { value: 'b' });
  const subject = create(context, { trustedCaPem: `${context.vault.caPem}${other.caPem}` });

  const fromFirst = await subject.getSecret(refOf(context, 'web'));
  const fromSecond = await subject.getSecret(parseSecretUrl(`${other.url}/secrets/web`));
  await subject.getSecret(refOf(context, 'web'));
  await other.close();

  assert.is(fromFirst.value, 'a');
  assert.is(fromSecond.value, 'b');
  assert.is(context.vault.requests.filter((request) => request.status === 401).length, 1);
  assert.is(other.requests.filter((request) => request.status === 401).length, 1);
});

source('maps 404 to SecretNotFound', async (context) => {
  const error = await failure(create(context).getSecret(refOf(context, 'missing')));

  assert.is(error.reason, 'SecretNotFound');
  assert.is(error.statusCode, 404);
  assert.is(error.serverCode, 'SecretNotFound');
  assert.is(error.certificateUrl, `${context.vault.url}/secrets/missing`);
  assert.match(error.message, `${context.vault.url}/secrets/missing`);
  assert.match(error.message, /observedCertificates\[\]\.url/);
});

source('maps a disabled version to SecretDisabled', async (context) => {
  const { version } = context.vault.setSecret('web', { value: 'x' });
  context.vault.setEnabled('web', version, false);

  const error = await failure(create(context).getSecret(refOf(context, `web/${version}`)));

  assert.is(error.reason, 'SecretDisabled');
  assert.is(error.statusCode, 403);
  assert.match(error.message, /Operation get is not allowed on a disabled secret/);
});

source('maps other 403 to AccessDenied', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  context.vault.failNext(403);

  const error = await failure(create(context).getSecret(refOf(context, 'web')));

  assert.is(error.reason, 'AccessDenied');
  assert.is(error.serverCode, 'AccessDenied');
  assert.match(error.message, /Grant the VM identity 'get' on secrets of vault '127-0-0-1' \(role Key Vault Secrets User\)/);
});

source('maps 429 with Retry-After to Throttled', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  context.vault.failNext(429, 1, { 'retry-after': '30' });

  const error = await failure(create(context).getSecret(refOf(context, 'web')));

  assert.is(error.reason, 'Throttled');
  assert.is(error.statusCode, 429);
  assert.is(error.retryAfterMs, 30_000);
  assert.match(error.message, /Retry-After asks for 30 s/);
});

source('SDK retries 503 before giving up', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  context.vault.failNext(503, 3);

  const error = await failure(create(context, { maxRetries: 2, retryDelayMs: 5 }).getSecret(refOf(context, 'web')));

  assert.is(error.reason, 'ServiceUnavailable');
  assert.is(error.statusCode, 503);
  assert.equal(context.vault.requests.map((request) => request.status), [401, 503, 503, 503]);
});

source('SDK retry recovers from one 500', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  context.vault.failNext(500);

  const secret = await create(context, { maxRetries: 1, retryDelayMs: 5 }).getSecret(refOf(context, 'web'));

  assert.is(secret.value, 'x');
});

source('rejects a token the vault does not accept', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  const forged: TokenCredential = {
    getToken: async (): Promise<AccessToken> => ({ token: 'forged.token.value', expiresOnTimestamp: Date.now() + 3600_000 }),
  };

  const error = await failure(create(context, { credential: forged }).getSecret(refOf(context, 'web')));

  assert.is(error.reason, 'Unauthenticated');
  assert.is(error.statusCode, 401);
  assert.not.match(error.message, 'forged.token.value');
});

source('reports a managed identity failure', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  context.tokens.failNext(400);

  const error = await failure(create(context).getSecret(refOf(context, 'web')));

  assert.is(error.reason, 'Unauthenticated');
  assert.match(error.message, /Identity not found/);
  assert.match(error.message, context.tokens.endpoint);
});

source('fails TLS without the emulator CA', async (context) => {
  context.vault.setSecret('web', { value: 'x' });

  const error = await failure(create(context, { trustedCaPem: undefined }).getSecret(refOf(context, 'web')));

  assert.is(error.reason, 'NetworkError');
  assert.match(String(error.serverCode), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/);
  assert.match(error.message, /TLS certificate of '127\.0\.0\.1' is not trusted/);
  assert.equal(context.vault.requests, []);
});

source('fails TLS with another CA', async (context) => {
  const other = await startKeyVaultEmulator({ verifyToken: context.tokens.verifyToken });
  await other.close();
  context.vault.setSecret('web', { value: 'x' });

  const error = await failure(create(context, { trustedCaPem: other.caPem }).getSecret(refOf(context, 'web')));

  assert.is(error.reason, 'NetworkError');
  assert.equal(context.vault.requests, []);
});

source('lists versions across pages', async (context) => {
  const ids = Array.from({ length: 27 }, (_, i) => context.vault.setSecret('web', { value: `v${i}` }).id);

  const versions = await create(context).listVersions(refOf(context, 'web'));

  assert.equal(versions.map((version) => version.id), ids);
  assert.match(versions[0].version, /^[0-9a-f]{32}$/);
  assert.equal(context.vault.requests.filter((request) => request.status === 200).map((request) => request.path),
    ['/secrets/web/versions', '/secrets/web/versions']);
});

source('maps a listing failure', async (context) => {
  const error = await failure(create(context).listVersions(refOf(context, 'missing')));

  assert.is(error.reason, 'SecretNotFound');
});

source('passes the abort signal', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  const controller = new AbortController();
  controller.abort();

  try {
    await create(context).getSecret(refOf(context, 'web'), controller.signal);
    assert.unreachable('expected an AbortError');
  } catch (error) {
    assert.is((error as Error).name, 'AbortError');
  }
});

source.run();
