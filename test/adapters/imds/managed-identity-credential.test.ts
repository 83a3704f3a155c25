import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManagedIdentityTokenCredential } from '../../../adapters/imds/managed-identity-credential.ts';
import type { ManagedIdentityCredentialOptions } from '../../../adapters/imds/managed-identity-credential.ts';
import { ManagedIdentityError } from '../../../adapters/imds/managed-identity-error.ts';
import { startTokenEmulator } from '../../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../../emulators/token-emulator.ts';

const vaultScope = 'https://vault.azure.net/.default';
const vaultResource = 'https://vault.azure.net';

interface Context {
  emulator: TokenEmulator;
  clockMs: number;
  sleeps: number[];
}

const credential = suite<Context>('managed identity credential');

credential.before.each(async (context) => {
  context.clockMs = Date.parse('2030-01-01T00:00:00Z');
  context.sleeps = [];
  context.emulator = await startTokenEmulator({ now: () => context.clockMs, clientIds: ['11111111-2222-3333-4444-555555555555'] });
});

credential.after.each(async (context) => {
  await context.emulator.close();
});

function create(context: Context, options: Partial<ManagedIdentityCredentialOptions> = {}): ManagedIdentityTokenCredential {
  return new ManagedIdentityTokenCredential({
    endpoint: context.emulator.endpoint,
    now: () => context.clockMs,
    sleep: async (ms) => { context.sleeps.push(ms); },
    random: () => 0,
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<ManagedIdentityError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, ManagedIdentityError);
    return error as ManagedIdentityError;
  }
  assert.unreachable('expected the token request to fail');
  throw new Error('unreachable');
}

credential('returns a token the endpoint accepts', async (context) => {
  const token = await create(context).getToken(vaultScope);

  assert.ok(context.emulator.verifyToken(token.token, vaultResource));
  assert.is(token.expiresOnTimestamp, context.clockMs + 3600_000);
  assert.is(token.refreshAfterTimestamp, context.clockMs + 3300_000);
  assert.equal(context.emulator.requests, [{ resource: vaultResource, clientId: undefined, status: 200 }]);
});

credential('caches the token per resource', async (context) => {
  const subject = create(context);

  const first = await subject.getToken(vaultScope);
  const second = await subject.getToken([vaultScope]);
  await subject.getToken('https://storage.azure.com/.default');

  assert.is(second.token, first.token);
  assert.is(context.emulator.requests.length, 2);
});

credential('shares one request between concurrent calls', async (context) => {
  const subject = create(context);

  const tokens = await Promise.all([subject.getToken(vaultScope), subject.getToken(vaultScope), subject.getToken(vaultScope)]);

  assert.is(context.emulator.requests.length, 1);
  assert.is(tokens[1].token, tokens[0].token);
});

credential('renews five minutes before expiry', async (context) => {
  const subject = create(context);
  const first = await subject.getToken(vaultScope);

  context.clockMs += 3600_000 - 5 * 60_000 - 1;
  assert.is((await subject.getToken(vaultScope)).token, first.token);

  context.clockMs += 1;
  const renewed = await subject.getToken(vaultScope);
  assert.is.not(renewed.token, first.token);
  assert.is(context.emulator.requests.length, 2);
});

credential('retries 410, 429 and 500 then succeeds', async (context) => {
  context.emulator.failNext(410);
  context.emulator.failNext(429, 1, undefined, { 'retry-after': '3' });
  context.emulator.failNext(500);
  const retries: Array<number | undefined> = [];

  const token = await create(context, { onRetry: (event) => retries.push(event.statusCode) }).getToken(vaultScope);

  assert.ok(context.emulator.verifyToken(token.token, vaultResource));
  assert.equal(context.emulator.requests.map((request) => request.status), [410, 429, 500, 200]);
  assert.equal(retries, [410, 429, 500]);
  assert.equal(context.sleeps, [10_000, 3_000, 3_200]);
});

credential('gives up after maxRetries', async (context) => {
  context.emulator.failNext(503, 5);

  const error = await rejection(create(context, { maxRetries: 2 }).getToken(vaultScope));

  assert.is(error.statusCode, 503);
  assert.is(context.emulator.requests.length, 3);
  assert.match(error.message, /Gave up after 3 attempt\(s\)/);
  assert.is(context.sleeps.length, 2);
});

credential('does not retry 400 and shows the endpoint text', async (context) => {
  const subject = create(context, { clientId: 'aaaaaaaa-0000-0000-0000-000000000000' });

  const error = await rejection(subject.getToken(vaultScope));

  assert.is(error.statusCode, 400);
  assert.is(error.errorCode, 'invalid_request');
  assert.is(error.endpoint, context.emulator.endpoint);
  assert.match(error.message, /returned 400 \(invalid_request: Identity not found\)/);
  assert.match(error.message, /msiClientId 'aaaaaaaa-0000-0000-0000-000000000000'/);
  assert.match(error.message, context.emulator.endpoint);
  assert.is(context.emulator.requests.length, 1);
  assert.equal(context.sleeps, []);
});

credential('does not retry 401 or 403', async (context) => {
  for (const status of [401, 403]) {
    context.emulator.failNext(status, 1, { error: 'access_denied', error_description: 'Identity is disabled' });
    const before = context.emulator.requests.length;

    const error = await rejection(create(context).getToken(vaultScope));

    assert.is(error.statusCode, status);
    assert.match(error.message, /access_denied: Identity is disabled/);
    assert.is(context.emulator.requests.length - before, 1);
  }
  assert.equal(context.sleeps, []);
});

credential('passes client_id when set', async (context) => {
  const clientId = '11111111-2222-3333-4444-555555555555';

  await create(context, { clientId }).getToken(vaultScope);

  assert.is(context.emulator.requests[0].clientId, clientId);
  assert.is(context.emulator.requests[0].status, 200);
});

credential('sends api-version and the Metadata header', async (context) => {
  let seen: { url: string; metadata: string | null } | undefined;
  const recordingFetch: typeof fetch = async (input, init) => {
    seen = { url: String(input), metadata: new Headers(init?.headers).get('metadata') };
    return fetch(input, init);
  };

  await create(context, { fetch: recordingFetch }).getToken(vaultScope);

  const url = new URL(seen!.url);
  assert.is(url.searchParams.get('api-version'), '2018-02-01');
  assert.is(url.searchParams.get('resource'), vaultResource);
  assert.not.ok(url.searchParams.has('client_id'));
  assert.is(seen!.metadata, 'true');
});

credential('retries network errors', async (context) => {
  let calls = 0;
  const flakyFetch: typeof fetch = async (input, init) => {
    calls += 1;
    if (calls === 1) throw new TypeError('fetch failed');
    return fetch(input, init);
  };

  const token = await create(context, { fetch: flakyFetch }).getToken(vaultScope);

  assert.ok(context.emulator.verifyToken(token.token, vaultResource));
  assert.is(calls, 2);
  assert.equal(context.sleeps, [800]);
});

credential('reports an unreachable endpoint', async (context) => {
  const endpoint = context.emulator.endpoint;
  await context.emulator.close();

  const error = await rejection(create(context, { endpoint, maxRetries: 1 }).getToken(vaultScope));

  assert.is(error.statusCode, undefined);
  assert.match(error.message, /Could not reach the managed identity endpoint/);
  assert.match(error.message, /after 2 attempt\(s\)/);
  context.emulator = await startTokenEmulator();
});

credential('keeps the token out of an invalid-response error', async (context) => {
  const tokenText = 'eyJ0eXAi.secret-token-text';
  const badFetch: typeof fetch = async () => Response.json({ access_token: tokenText, token_type: 'Bearer' });

  const error = await rejection(create(context, { fetch: badFetch }).getToken(vaultScope));

  assert.is(error.statusCode, 200);
  assert.match(error.message, /expires_on and expires_in are missing/);
  assert.not.match(error.message, tokenText);
  assert.not.match(JSON.stringify(error), tokenText);
});

credential('rejects more than one scope', async (context) => {
  try {
    await create(context).getToken([vaultScope, 'https://storage.azure.com/.default']);
    assert.unreachable('expected a TypeError');
  } catch (error) {
    assert.instance(error, TypeError);
    assert.match((error as Error).message, /one scope, but 2 were requested/);
  }
});

credential.run();
