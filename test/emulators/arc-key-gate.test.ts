// The token emulator in Azure Arc mode, spoken to with plain fetch: the 401 challenge, its key
// file, and the token for the right key only.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTokenEmulator, type TokenEmulator } from '../../emulators/token-emulator.ts';

const vaultResource = 'https://vault.azure.net';

interface Context {
  root: string;
  keyFolder: string;
  emulator: TokenEmulator;
}

const gate = suite<Context>('token emulator, Arc mode');

gate.before.each(async (context) => {
  context.root = mkdtempSync(join(tmpdir(), 'kvcert-arc-emulator-'));
  context.keyFolder = join(context.root, 'tokens');
  mkdirSync(context.keyFolder);
  context.emulator = await startTokenEmulator({ arc: { keyFolder: context.keyFolder } });
});

gate.after.each(async (context) => {
  await context.emulator.close();
  rmSync(context.root, { recursive: true, force: true });
});

async function requestToken(context: Context, headers: Record<string, string> = {}) {
  const url = `${context.emulator.endpoint}?api-version=2020-06-01&resource=${encodeURIComponent(vaultResource)}`;
  const response = await fetch(url, { headers: { Metadata: 'true', ...headers } });
  return { status: response.status, challenge: response.headers.get('www-authenticate'), body: await response.json() as Record<string, unknown> };
}

function realmOf(challenge: string | null): string {
  const match = /^Basic realm=(.+)$/.exec(challenge ?? '');
  assert.ok(match, `not a Basic realm challenge: ${challenge}`);
  return match![1];
}

gate('request without a key gets a challenge', async (context) => {
  const { status, challenge, body } = await requestToken(context);

  const keyFile = realmOf(challenge);
  assert.is(status, 401);
  assert.is(body.error, 'unauthorized_client');
  assert.is(dirname(keyFile), context.keyFolder);
  assert.match(keyFile, /\.key$/);
  assert.match(readFileSync(keyFile, 'utf8'), /^[0-9a-f]{64}$/);
  assert.is(statSync(keyFile).mode & 0o777, 0o600);
  assert.equal(context.emulator.arcKeyFiles, [keyFile]);
});

gate('key from the file gets the token', async (context) => {
  const key = readFileSync(realmOf((await requestToken(context)).challenge), 'utf8');

  const { status, body } = await requestToken(context, { Authorization: `Basic ${key}` });

  assert.is(status, 200);
  assert.ok(context.emulator.verifyToken(String(body.access_token), vaultResource));
  assert.equal(context.emulator.requests.map((request) => [request.status, request.arcKey]), [[401, 'missing'], [200, 'valid']]);
});

gate('wrong key gets 401 and a new key file', async (context) => {
  const first = realmOf((await requestToken(context)).challenge);

  const { status, challenge, body } = await requestToken(context, { Authorization: 'Basic 0000' });

  assert.is(status, 401);
  assert.is(body.error_description, 'The key in the Authorization header is not valid');
  assert.is.not(realmOf(challenge), first);
  assert.is(context.emulator.requests[1].arcKey, 'invalid');
  assert.is(context.emulator.arcKeyFiles.length, 2);
});

gate('Metadata header is checked before the key', async (context) => {
  const response = await fetch(`${context.emulator.endpoint}?api-version=2020-06-01&resource=${vaultResource}`);

  assert.is(response.status, 400);
  assert.equal(context.emulator.arcKeyFiles, []);
});

gate('close removes the key files', async (context) => {
  const keyFile = realmOf((await requestToken(context)).challenge);

  await context.emulator.close();

  assert.not.ok(existsSync(keyFile));
  context.emulator = await startTokenEmulator();
});

gate('missing key folder fails the start', async (context) => {
  const missing = join(context.root, 'no-such-folder');

  const failure = await startTokenEmulator({ arc: { keyFolder: missing } }).then(() => undefined, (error: unknown) => error);

  assert.instance(failure, Error);
  assert.is((failure as Error).message, `The Arc key folder ${missing} does not exist; create it before starting the token emulator.`);
});

gate.run();
