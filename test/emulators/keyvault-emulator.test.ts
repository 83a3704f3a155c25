import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { X509Certificate } from 'node:crypto';
import { startKeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import { startTokenEmulator } from '../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../emulators/token-emulator.ts';

interface Context {
  tokens: TokenEmulator;
  vault: KeyVaultEmulator;
  token: string;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: any;
}

function send(vault: KeyVaultEmulator, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Reply> {
  const url = new URL(path, vault.url);
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      method,
      ca: vault.caPem,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(text ? { 'content-type': 'application/json' } : {}),
      },
    }, (response) => {
      let data = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { data += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: data ? JSON.parse(data) : undefined }));
    });
    outgoing.on('error', reject);
    outgoing.end(text);
  });
}

const vaultTest = suite<Context>('key vault emulator');

vaultTest.before.each(async (context) => {
  context.tokens = await startTokenEmulator();
  context.vault = await startKeyVaultEmulator({ verifyToken: context.tokens.verifyToken });
  const response = await fetch(`${context.tokens.endpoint}?api-version=2018-02-01&resource=https://vault.azure.net`, { headers: { Metadata: 'true' } });
  context.token = ((await response.json()) as { access_token: string }).access_token;
});

vaultTest.after.each(async (context) => {
  await context.vault.close();
  await context.tokens.close();
});

vaultTest('serves HTTPS on 127.0.0.1 with its own CA', (context) => {
  const url = new URL(context.vault.url);
  const ca = new X509Certificate(context.vault.caPem);

  assert.is(url.protocol, 'https:');
  assert.is(url.hostname, '127.0.0.1');
  assert.ok(ca.ca);
  assert.match(ca.subject, /kvcert Key Vault Emulator CA/);
});

vaultTest('challenges a request without a token', async (context) => {
  const reply = await send(context.vault, 'GET', '/secrets/web?api-version=7.6');

  assert.is(reply.status, 401);
  assert.is(reply.headers['www-authenticate'],
    `Bearer authorization="https://login.microsoftonline.com/${context.vault.tenantId}", resource="https://vault.azure.net"`);
  assert.is(reply.body.error.code, 'Unauthorized');
  assert.equal(context.vault.requests, [{ method: 'GET', path: '/secrets/web', status: 401, authorization: false }]);
});

vaultTest('rejects an invalid token', async (context) => {
  const tampered = `${context.token.slice(0, -2)}xx`;

  const reply = await send(context.vault, 'GET', '/secrets/web?api-version=7.6', { token: tampered });

  assert.is(reply.status, 401);
  assert.match(String(reply.headers['www-authenticate']), /error="invalid_token"/);
});

vaultTest('returns the latest version with and without trailing slash', async (context) => {
  context.vault.setSecret('web', { value: 'first' });
  const second = context.vault.setSecret('web', { value: 'second', contentType: 'application/x-pem-file' });

  for (const path of ['/secrets/web?api-version=2025-07-01', '/secrets/web/?api-version=7.6']) {
    const reply = await send(context.vault, 'GET', path, { token: context.token });
    assert.is(reply.status, 200);
    assert.is(reply.body.value, 'second');
    assert.is(reply.body.id, second.id);
    assert.is(reply.body.contentType, 'application/x-pem-file');
    assert.is(reply.body.managed, true);
    assert.is(reply.body.attributes.enabled, true);
    assert.type(reply.body.attributes.created, 'number');
  }
  assert.match(second.version, /^[0-9a-f]{32}$/);
  assert.is(second.id, `${context.vault.url}/secrets/web/${second.version}`);
});

vaultTest('returns a pinned version', async (context) => {
  const first = context.vault.setSecret('web', { value: 'first' });
  context.vault.setSecret('web', { value: 'second' });

  const reply = await send(context.vault, 'GET', `/secrets/WEB/${first.version}?api-version=7.6`, { token: context.token });

  assert.is(reply.status, 200);
  assert.is(reply.body.value, 'first');
  assert.is(reply.body.id, first.id);
});

vaultTest('links renewals of certificate secrets', async (context) => {
  const first = context.vault.setSecret('web', { value: 'a', contentType: 'application/x-pkcs12' });
  context.vault.setSecret('web', { value: 'b', contentType: 'application/x-pkcs12' });

  const reply = await send(context.vault, 'GET', '/secrets/web?api-version=7.6', { token: context.token });

  assert.is(reply.body.previousVersion, first.version);
  assert.match(reply.body.kid, /\/keys\/web\/[0-9a-f]{32}$/);
});

vaultTest('returns SecretNotFound', async (context) => {
  const missing = await send(context.vault, 'GET', '/secrets/nothing?api-version=7.6', { token: context.token });
  const { version } = context.vault.setSecret('web', { value: 'x' });
  context.vault.deleteSecret('web');
  const deleted = await send(context.vault, 'GET', `/secrets/web/${version}?api-version=7.6`, { token: context.token });

  assert.is(missing.status, 404);
  assert.is(missing.body.error.code, 'SecretNotFound');
  assert.match(missing.body.error.message, /nothing/);
  assert.is(deleted.status, 404);
});

vaultTest('forbids a disabled version', async (context) => {
  const { version } = context.vault.setSecret('web', { value: 'x' });
  context.vault.setEnabled('web', version, false);

  const reply = await send(context.vault, 'GET', `/secrets/web/${version}?api-version=7.6`, { token: context.token });

  assert.is(reply.status, 403);
  assert.equal(reply.body, {
    error: { code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.', innererror: { code: 'SecretDisabled' } },
  });
  assert.throws(() => context.vault.setEnabled('web', 'ffffffffffffffffffffffffffffffff', true), /has no version/);
});

vaultTest('creates a version with PUT', async (context) => {
  const reply = await send(context.vault, 'PUT', '/secrets/api?api-version=7.6',
    { token: context.token, body: { value: 'text', contentType: 'text/plain', attributes: { enabled: true }, tags: { team: 'web' } } });
  const read = await send(context.vault, 'GET', '/secrets/api?api-version=7.6', { token: context.token });

  assert.is(reply.status, 200);
  assert.is(reply.body.value, 'text');
  assert.equal(reply.body.tags, { team: 'web' });
  assert.is(read.body.id, reply.body.id);
  assert.is(read.body.managed, undefined);
});

vaultTest('rejects an invalid PUT', async (context) => {
  const badName = await send(context.vault, 'PUT', '/secrets/bad_name?api-version=7.6', { token: context.token, body: { value: 'x' } });
  const noValue = await send(context.vault, 'PUT', '/secrets/api?api-version=7.6', { token: context.token, body: { contentType: 'x' } });

  assert.is(badName.status, 400);
  assert.is(badName.body.error.code, 'BadParameter');
  assert.is(noValue.status, 400);
});

vaultTest('pages the versions listing', async (context) => {
  const created = Array.from({ length: 5 }, (_, i) => context.vault.setSecret('web', { value: `v${i}` }).id);

  const first = await send(context.vault, 'GET', '/secrets/web/versions?api-version=7.6&maxresults=2', { token: context.token });
  const second = await send(context.vault, 'GET', first.body.nextLink, { token: context.token });
  const third = await send(context.vault, 'GET', second.body.nextLink, { token: context.token });

  assert.equal(first.body.value.map((item: { id: string }) => item.id), created.slice(0, 2));
  assert.equal(second.body.value.map((item: { id: string }) => item.id), created.slice(2, 4));
  assert.equal(third.body.value.map((item: { id: string }) => item.id), created.slice(4));
  assert.is(third.body.nextLink, null);
  assert.is(first.body.value[0].value, undefined);
  assert.match(first.body.nextLink, /^https:\/\/127\.0\.0\.1:\d+\/secrets\/web\/versions\?api-version=7\.6&\$skiptoken=[^&]+&maxresults=2$/);
});

vaultTest('rejects maxresults out of range', async (context) => {
  context.vault.setSecret('web', { value: 'x' });

  const reply = await send(context.vault, 'GET', '/secrets/web/versions?api-version=7.6&maxresults=26', { token: context.token });

  assert.is(reply.status, 400);
  assert.is(reply.body.error.code, 'BadParameter');
});

vaultTest('requires an api-version', async (context) => {
  context.vault.setSecret('web', { value: 'x' });

  const reply = await send(context.vault, 'GET', '/secrets/web', { token: context.token });

  assert.is(reply.status, 400);
});

vaultTest('fails the next requests on demand', async (context) => {
  context.vault.setSecret('web', { value: 'x' });
  context.vault.failNext(429, 1, { 'retry-after': '12' });

  const throttled = await send(context.vault, 'GET', '/secrets/web?api-version=7.6', { token: context.token });
  const next = await send(context.vault, 'GET', '/secrets/web?api-version=7.6', { token: context.token });

  assert.is(throttled.status, 429);
  assert.is(throttled.headers['retry-after'], '12');
  assert.is(throttled.body.error.code, 'Throttled');
  assert.is(next.status, 200);
});

vaultTest('serves no other paths', async (context) => {
  const reply = await send(context.vault, 'GET', '/keys/web?api-version=7.6', { token: context.token });
  const deleteReply = await send(context.vault, 'DELETE', '/secrets/web?api-version=7.6', { token: context.token });

  assert.is(reply.status, 404);
  assert.is(deleteReply.status, 405);
});

vaultTest.run();
