import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTokenEmulator } from '../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../emulators/token-emulator.ts';

const vaultResource = 'https://vault.azure.net';

interface Context {
  emulator: TokenEmulator;
  clockMs: number;
}

const emulator = suite<Context>('token emulator');

emulator.before.each(async (context) => {
  context.clockMs = Date.parse('2031-05-01T10:00:00Z');
  context.emulator = await startTokenEmulator({ now: () => context.clockMs, tokenLifetimeS: 600, clientIds: ['known-client'] });
});

emulator.after.each(async (context) => {
  await context.emulator.close();
});

function tokenUrl(context: Context, query: Record<string, string>): string {
  const url = new URL(context.emulator.endpoint);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.toString();
}

async function requestToken(context: Context, query: Record<string, string>, headers: Record<string, string> = { Metadata: 'true' }) {
  const response = await fetch(tokenUrl(context, { 'api-version': '2018-02-01', ...query }), { headers });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, unknown> };
}

emulator('listens on 127.0.0.1 only', (context) => {
  const url = new URL(context.emulator.endpoint);
  assert.is(url.hostname, '127.0.0.1');
  assert.is(url.protocol, 'http:');
  assert.is(url.pathname, '/metadata/identity/oauth2/token');
});

emulator('returns the IMDS token JSON with string numbers', async (context) => {
  const { status, body } = await requestToken(context, { resource: vaultResource });

  const nowS = context.clockMs / 1000;
  assert.is(status, 200);
  assert.type(body.access_token, 'string');
  assert.is(body.expires_in, '600');
  assert.is(body.expires_on, String(nowS + 600));
  assert.is(body.not_before, String(nowS));
  assert.is(body.resource, vaultResource);
  assert.is(body.token_type, 'Bearer');
  assert.is(body.client_id, context.emulator.systemClientId);
});

emulator('requires the Metadata header', async (context) => {
  const { status, body } = await requestToken(context, { resource: vaultResource }, {});

  assert.is(status, 400);
  assert.equal(body, { error: 'bad_request_102', error_description: 'Required metadata header not specified' });
  assert.equal(context.emulator.requests, [{ resource: vaultResource, clientId: undefined, status: 400 }]);
});

emulator('requires api-version and resource', async (context) => {
  const noResource = await requestToken(context, {});
  const noVersion = await fetch(tokenUrl(context, { resource: vaultResource }), { headers: { Metadata: 'true' } });

  assert.is(noResource.status, 400);
  assert.match(String(noResource.body.error_description), /resource/);
  assert.is(noVersion.status, 400);
});

emulator('rejects an unknown client id', async (context) => {
  const unknown = await requestToken(context, { resource: vaultResource, client_id: 'other-client' });
  const known = await requestToken(context, { resource: vaultResource, client_id: 'known-client' });

  assert.is(unknown.status, 400);
  assert.is(unknown.body.error_description, 'Identity not found');
  assert.is(known.status, 200);
  assert.is(known.body.client_id, 'known-client');
  assert.equal(context.emulator.requests.map((request) => request.clientId), ['other-client', 'known-client']);
});

emulator('ignores unknown query parameters', async (context) => {
  const { status } = await requestToken(context, { resource: vaultResource, xms_cc: 'cp1' });
  assert.is(status, 200);
});

emulator('verifies its tokens for the resource', async (context) => {
  const { body } = await requestToken(context, { resource: vaultResource });
  const token = String(body.access_token);

  assert.ok(context.emulator.verifyToken(token, vaultResource));
  assert.ok(context.emulator.verifyToken(token, `${vaultResource}/`));
  assert.not.ok(context.emulator.verifyToken(token, 'https://storage.azure.com'));
  assert.not.ok(context.emulator.verifyToken(`${token}x`, vaultResource));
  assert.not.ok(context.emulator.verifyToken('not-a-token', vaultResource));
});

emulator('rejects expired tokens', async (context) => {
  const { body } = await requestToken(context, { resource: vaultResource });

  context.clockMs += 599_000;
  assert.ok(context.emulator.verifyToken(String(body.access_token), vaultResource));
  context.clockMs += 1_000;
  assert.not.ok(context.emulator.verifyToken(String(body.access_token), vaultResource));
});

emulator('rejects tokens of another emulator', async (context) => {
  const other = await startTokenEmulator();
  const response = await fetch(`${other.endpoint}?api-version=2018-02-01&resource=${vaultResource}`, { headers: { Metadata: 'true' } });
  const { access_token: foreign } = await response.json() as { access_token: string };
  await other.close();

  assert.not.ok(context.emulator.verifyToken(foreign, vaultResource));
});

emulator('fails the next requests on demand', async (context) => {
  context.emulator.failNext(429, 2, { error: 'throttled' }, { 'retry-after': '5' });

  const first = await requestToken(context, { resource: vaultResource });
  const second = await requestToken(context, { resource: vaultResource });
  const third = await requestToken(context, { resource: vaultResource });

  assert.is(first.status, 429);
  assert.equal(first.body, { error: 'throttled' });
  assert.is(first.headers.get('retry-after'), '5');
  assert.is(second.status, 429);
  assert.is(third.status, 200);
});

emulator.run();
