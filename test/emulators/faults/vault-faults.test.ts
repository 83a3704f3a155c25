import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { startKeyVaultEmulator } from '../../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator, KeyVaultEmulatorOptions } from '../../../emulators/keyvault-emulator.ts';
import { startTokenEmulator } from '../../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../../emulators/token-emulator.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

const faults = suite('key vault emulator faults');

let tokens: TokenEmulator;
let vault: KeyVaultEmulator;
let token: string;

/** Starts the vault and fetches a token for `tokenResource`, by default the vault's own resource. */
async function start(options: Partial<KeyVaultEmulatorOptions> = {}, tokenResource?: string): Promise<void> {
  vault = await startKeyVaultEmulator({ ...options, verifyToken: tokens.verifyToken });
  vault.setSecret('web', { value: 'secret-value', contentType: 'text/plain' });
  const resource = tokenResource ?? options.resource ?? 'https://vault.azure.net';
  const response = await fetch(`${tokens.endpoint}?api-version=2018-02-01&resource=${resource}`, { headers: { Metadata: 'true' } });
  token = ((await response.json()) as { access_token: string }).access_token;
}

/** GETs the secret over a new connection, with the token unless `withToken` is false. Rejects with the socket's error. */
function get(withToken = true): Promise<Reply> {
  const headers = withToken ? { authorization: `Bearer ${token}` } : {};
  return new Promise((resolve, reject) => {
    const outgoing = request(new URL('/secrets/web?api-version=7.5', vault.url), { ca: vault.caPem, agent: false, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

faults.before.each(async () => {
  tokens = await startTokenEmulator();
});

faults.after.each(async () => {
  await vault.close();
  await tokens.close();
});

faults('status fault sends a Key Vault error body', async () => {
  await start();
  vault.faults.requests.inject({ kind: 'status', status: 503, headers: { 'retry-after': '2' } }, 1);

  const reply = await get();

  assert.is(reply.status, 503);
  assert.is(reply.headers['retry-after'], '2');
  assert.is(JSON.parse(reply.text).error.code, 'ServiceUnavailable');
  assert.is((await get()).status, 200);
  assert.is(vault.requests[0].fault, 'status');
});

faults('delay fault answers normally after the delay', async () => {
  await start();
  vault.faults.requests.inject({ kind: 'delay', delayMs: 300 }, 1);
  const started = Date.now();

  const reply = await get();

  assert.ok(Date.now() - started >= 300);
  assert.is(JSON.parse(reply.text).value, 'secret-value');
});

faults('drop fault cuts the response off', async () => {
  await start();
  vault.faults.requests.inject({ kind: 'drop' }, 1);

  const error = await get().then(() => undefined, (caught: NodeJS.ErrnoException) => caught);

  assert.ok(error, 'the response completed');
  assert.match(String(error.code ?? error.message), /ECONNRESET|aborted/);
});

faults('truncated body is half the JSON', async () => {
  await start();
  vault.faults.requests.inject({ kind: 'truncated-body' }, 1);

  const reply = await get();

  assert.is(reply.status, 200);
  assert.throws(() => JSON.parse(reply.text));
  assert.ok(reply.text.startsWith('{"value":"secret-va'));
});

faults('non-JSON body is HTML labelled JSON', async () => {
  await start();
  vault.faults.requests.inject({ kind: 'non-json-body' }, 1);

  const reply = await get();

  assert.match(String(reply.headers['content-type']), /^application\/json/);
  assert.match(reply.text, /^<html>/);
});

faults('content type fault relabels the body', async () => {
  await start();
  vault.faults.requests.inject({ kind: 'content-type', contentType: 'text/html' }, 1);

  const reply = await get();

  assert.is(reply.headers['content-type'], 'text/html');
  assert.is(JSON.parse(reply.text).value, 'secret-value');
});

faults('redirect fault names the location', async () => {
  await start();
  vault.faults.requests.inject({ kind: 'redirect', status: 307, location: 'https://127.0.0.1:1/elsewhere' }, 1);

  const reply = await get();

  assert.is(reply.status, 307);
  assert.is(reply.headers.location, 'https://127.0.0.1:1/elsewhere');
});

faults('reject-token fault challenges a valid token', async () => {
  await start();
  vault.faults.requests.inject({ kind: 'reject-token' }, 1);

  const reply = await get();

  assert.is(reply.status, 401);
  assert.match(String(reply.headers['www-authenticate']), /resource="https:\/\/vault.azure.net", error="invalid_token"$/);
});

faults('rate limit answers 429 with Retry-After', async () => {
  await start({ rateLimit: { limit: 2, windowMs: 60_000 } });

  const statuses = [(await get()).status, (await get()).status];
  const throttled = await get();

  assert.equal(statuses, [200, 200]);
  assert.is(throttled.status, 429);
  assert.is(throttled.headers['retry-after'], '60');
  assert.is(JSON.parse(throttled.text).error.code, 'Throttled');
  assert.is(vault.faults.throttled(), 1);
});

faults('restart with untrusted certificate fails TLS', async () => {
  await start();

  await vault.restart({ untrustedCertificate: true });
  const error = await get().then(() => undefined, (caught: NodeJS.ErrnoException) => caught);
  await vault.restart();
  const reply = await get();

  assert.is(error?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  assert.is(reply.status, 200);
});

faults('connection reset fails the handshake', async () => {
  await start();
  vault.faults.connections.resetNext(1);

  const error = await get().then(() => undefined, (caught: NodeJS.ErrnoException) => caught);
  const reply = await get();

  assert.is(error?.code, 'ECONNRESET');
  assert.is(reply.status, 200);
  assert.is(vault.faults.connections.resets, 1);
});

faults('custom resource is challenged and recorded', async () => {
  await start({ resource: 'https://vault.azure.cn' });

  const challenge = await get(false);
  const reply = await get();

  assert.is(challenge.status, 401);
  assert.match(String(challenge.headers['www-authenticate']), /resource="https:\/\/vault.azure.cn"$/);
  assert.is(reply.status, 200);
  assert.equal(vault.requests.map((record) => record.audience), [undefined, 'https://vault.azure.cn']);
});

faults('token for another resource is rejected', async () => {
  await start({ resource: 'https://vault.azure.cn' }, 'https://vault.azure.net');

  const reply = await get();

  assert.is(reply.status, 401);
  assert.match(String(reply.headers['www-authenticate']), /error="invalid_token"/);
  assert.equal(vault.requests.map((record) => record.audience), ['https://vault.azure.net']);
});

faults.run();
