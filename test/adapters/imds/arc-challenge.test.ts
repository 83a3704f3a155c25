// The Azure Arc (HIMDS) flow of ManagedIdentityTokenCredential: the 401 `Basic realm=<key file>`
// challenge with its key read from a temporary token folder, against the token emulator in Arc mode, and
// the checks on the key file and the api-version choice.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  arcKeyMaxBytes,
  checkRealmPath,
  defaultArcTokenFolder,
  parseBasicRealm,
  readArcKey,
} from '../../../adapters/imds/arc-challenge.ts';
import { ManagedIdentityTokenCredential } from '../../../adapters/imds/managed-identity-credential.ts';
import type { ManagedIdentityCredentialOptions } from '../../../adapters/imds/managed-identity-credential.ts';
import { ManagedIdentityError } from '../../../adapters/imds/managed-identity-error.ts';
import { startTokenEmulator, type TokenEmulator } from '../../../emulators/token-emulator.ts';

const vaultScope = 'https://vault.azure.net/.default';
const vaultResource = 'https://vault.azure.net';

interface Context {
  root: string;
  tokenFolder: string;
  emulator: TokenEmulator;
}

interface SentRequest {
  url: URL;
  authorization: string | null;
}

async function rejection(promise: Promise<unknown>): Promise<ManagedIdentityError> {
  const failure = await promise.then(() => undefined, (error: unknown) => error);
  assert.instance(failure, ManagedIdentityError);
  return failure as ManagedIdentityError;
}

/** Returns a fetch that records each request and then passes it on to `next`. */
function recordingFetch(sent: SentRequest[], next: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    sent.push({ url: new URL(String(input)), authorization: new Headers(init?.headers).get('authorization') });
    return next(input, init);
  };
}

/** Returns a fetch that connects nowhere: every request gets 401 with `challenge`, or 200 with a token. */
function scriptedFetch(sent: SentRequest[], challenge?: string): typeof fetch {
  return recordingFetch(sent, async () => {
    if (challenge !== undefined) return new Response('{}', { status: 401, headers: { 'www-authenticate': challenge } });
    return Response.json({ access_token: 'scripted-token', expires_in: '3600', resource: vaultResource, token_type: 'Bearer' });
  });
}

const arc = suite<Context>('managed identity credential, Azure Arc');

arc.before.each(async (context) => {
  context.root = mkdtempSync(join(tmpdir(), 'kvcert-arc-'));
  context.tokenFolder = join(context.root, 'tokens');
  mkdirSync(context.tokenFolder);
  context.emulator = await startTokenEmulator({ arc: { keyFolder: context.tokenFolder } });
});

arc.after.each(async (context) => {
  await context.emulator.close();
  rmSync(context.root, { recursive: true, force: true });
});

function create(context: Context, options: Partial<ManagedIdentityCredentialOptions> = {}): ManagedIdentityTokenCredential {
  return new ManagedIdentityTokenCredential({
    endpoint: context.emulator.endpoint,
    arc: true,
    arcTokenFolder: context.tokenFolder,
    maxRetries: 0,
    ...options,
  });
}

arc('challenge flow gets a token', async (context) => {
  const sent: SentRequest[] = [];

  const token = await create(context, { fetch: recordingFetch(sent) }).getToken(vaultScope);

  const key = readFileSync(context.emulator.arcKeyFiles[0], 'utf8');
  assert.ok(context.emulator.verifyToken(token.token, vaultResource));
  assert.equal(context.emulator.requests.map((request) => [request.status, request.arcKey]), [[401, 'missing'], [200, 'valid']]);
  assert.is(sent.length, 2);
  assert.is(sent[0].authorization, null);
  assert.is(sent[1].authorization, `Basic ${key}`);
  assert.is(sent[1].url.searchParams.get('api-version'), '2020-06-01');
});

arc('cached token needs no second challenge', async (context) => {
  const subject = create(context);

  const first = await subject.getToken(vaultScope);
  const second = await subject.getToken(vaultScope);

  assert.is(second.token, first.token);
  assert.is(context.emulator.requests.length, 2);
  assert.is(context.emulator.arcKeyFiles.length, 1);
});

arc('wrong key gets 401 and a clear error', async (context) => {
  const replaceKey: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (headers.has('authorization')) headers.set('authorization', 'Basic not-the-issued-key');
    return fetch(input, { ...init, headers });
  };

  const error = await rejection(create(context, { fetch: replaceKey, maxRetries: 3 }).getToken(vaultScope));

  const realKey = readFileSync(context.emulator.arcKeyFiles[0], 'utf8');
  assert.is(error.statusCode, 401);
  assert.equal(context.emulator.requests.map((request) => [request.status, request.arcKey]), [[401, 'missing'], [401, 'invalid']]);
  assert.match(error.message, `returned 401 (unauthorized_client: The key in the Authorization header is not valid) to the Azure Arc key read from '${context.emulator.arcKeyFiles[0]}'`);
  assert.match(error.message, /kvcert does not retry this error/);
  assert.not.match(error.message, realKey);
  assert.not.match(JSON.stringify(error), realKey);
});

arc('realm outside the token folder is not read', async (context) => {
  const outside = join(context.root, 'outside.key');
  writeFileSync(outside, 'secret-key-outside-the-folder');
  const sent: SentRequest[] = [];
  const subject = create(context, { endpoint: 'http://127.0.0.1:40342/metadata/identity/oauth2/token', fetch: scriptedFetch(sent, `Basic realm=${outside}`) });

  const error = await rejection(subject.getToken(vaultScope));

  assert.is(sent.length, 1);
  assert.is(error.statusCode, 401);
  assert.is(error.message,
    'The managed identity endpoint http://127.0.0.1:40342/metadata/identity/oauth2/token (resource https://vault.azure.net) ' +
    `sent an Azure Arc challenge naming the key file '${outside}', which kvcert did not use: it is outside ${context.tokenFolder}. ` +
    `kvcert reads only a .key file of at most 4096 bytes inside ${context.tokenFolder}. ` +
    'Check that authenticationSettings.msiEndpoint is the Azure Connected Machine agent (http://localhost:40342/metadata/identity/oauth2/token).');
  assert.not.match(error.message, 'secret-key-outside-the-folder');
});

arc('realm that climbs out with .. is rejected', async (context) => {
  const climbing = join(context.tokenFolder, '..', 'outside.key');
  const sent: SentRequest[] = [];

  const error = await rejection(create(context, { fetch: scriptedFetch(sent, `Basic realm="${climbing}"`) }).getToken(vaultScope));

  assert.is(sent.length, 1);
  assert.match(error.message, `it is outside ${context.tokenFolder}`);
});

arc('challenge from a non-loopback endpoint is rejected', async (context) => {
  const realm = join(context.tokenFolder, 'genuine.key');
  writeFileSync(realm, 'genuine-key');
  const sent: SentRequest[] = [];
  // scriptedFetch responds locally, so nothing is sent to the .invalid host.
  const subject = create(context, { endpoint: 'http://arc.invalid:40342/metadata/identity/oauth2/token', fetch: scriptedFetch(sent, `Basic realm=${realm}`) });

  const error = await rejection(subject.getToken(vaultScope));

  assert.is(sent.length, 1);
  assert.match(error.message, 'kvcert sends Azure Arc keys only to a loopback address');
  assert.not.match(error.message, 'genuine-key');
});

arc('missing key file is reported with its code', async (context) => {
  const realm = join(context.tokenFolder, 'gone.key');

  const error = await rejection(create(context, { fetch: scriptedFetch([], `Basic realm=${realm}`) }).getToken(vaultScope));

  assert.match(error.message, `naming the key file '${realm}', which kvcert did not use: it could not be read (ENOENT)`);
});

arc('Arc api-version follows host and port', async (context) => {
  const cases: Array<[string, boolean | undefined, string, string]> = [
    ['http://localhost:40342/metadata/identity/oauth2/token', undefined, '2020-06-01', 'http://127.0.0.1:40342/metadata/identity/oauth2/token'],
    ['http://127.0.0.1:40342/metadata/identity', undefined, '2020-06-01', 'http://127.0.0.1:40342/metadata/identity/oauth2/token'],
    ['http://localhost:40342/metadata/identity/', undefined, '2020-06-01', 'http://127.0.0.1:40342/metadata/identity/oauth2/token'],
    ['http://127.0.0.1:40343/metadata/identity/oauth2/token', undefined, '2018-02-01', 'http://127.0.0.1:40343/metadata/identity/oauth2/token'],
    ['http://127.0.0.1:40342/metadata/identity/oauth2/token', false, '2018-02-01', 'http://127.0.0.1:40342/metadata/identity/oauth2/token'],
    ['http://127.0.0.1:8080/metadata/identity/oauth2/token', true, '2020-06-01', 'http://127.0.0.1:8080/metadata/identity/oauth2/token'],
  ];

  for (const [endpoint, arcOption, apiVersion, origin] of cases) {
    const sent: SentRequest[] = [];
    await create(context, { endpoint, arc: arcOption, fetch: scriptedFetch(sent) }).getToken(vaultScope);

    assert.is(sent[0].url.searchParams.get('api-version'), apiVersion, endpoint);
    assert.is(`${sent[0].url.origin}${sent[0].url.pathname}`, origin, endpoint);
  }
});

arc('default token folder per platform', () => {
  assert.is(defaultArcTokenFolder('linux', {}), '/var/opt/azcmagent/tokens/');
  assert.is(defaultArcTokenFolder('win32', { ProgramData: 'D:\\ProgramData' }), 'D:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\');
  assert.is(defaultArcTokenFolder('win32', {}), 'C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\');
});

arc('realm header parsing', () => {
  assert.is(parseBasicRealm('Basic realm=/var/opt/azcmagent/tokens/a.key'), '/var/opt/azcmagent/tokens/a.key');
  assert.is(parseBasicRealm('basic realm="/var/opt/azcmagent/tokens/a.key"'), '/var/opt/azcmagent/tokens/a.key');
  assert.is(parseBasicRealm('Basic realm=C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\b.key'), 'C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\b.key');
  assert.is(parseBasicRealm('Bearer authorization="https://login.microsoftonline.com/x"'), undefined);
  assert.is(parseBasicRealm(null), undefined);
});

arc('realm path rules', () => {
  const folder = '/var/opt/azcmagent/tokens/';

  assert.is(checkRealmPath('/var/opt/azcmagent/tokens/a.key', folder), undefined);
  assert.is(checkRealmPath('/var/opt/azcmagent/tokens/A.KEY', folder), undefined);
  assert.is(checkRealmPath('tokens/a.key', folder), 'it is not an absolute path');
  assert.is(checkRealmPath('/var/opt/azcmagent/tokens-other/a.key', folder), `it is outside ${folder}`);
  assert.is(checkRealmPath('/var/opt/azcmagent/tokens/../a.key', folder), `it is outside ${folder}`);
  assert.is(checkRealmPath('/var/opt/azcmagent/tokens/', folder), `it is outside ${folder}`);
  assert.is(checkRealmPath('/etc/shadow', folder), `it is outside ${folder}`);
  assert.is(checkRealmPath('/var/opt/azcmagent/tokens/a.txt', folder), 'its name does not end in .key');
});

arc('key file size limit is 4096 bytes', async (context) => {
  const atLimit = join(context.tokenFolder, 'limit.key');
  const tooLarge = join(context.tokenFolder, 'large.key');
  writeFileSync(atLimit, 'k'.repeat(arcKeyMaxBytes));
  writeFileSync(tooLarge, 'k'.repeat(arcKeyMaxBytes + 1));

  assert.equal(await readArcKey(atLimit, context.tokenFolder), { key: 'k'.repeat(arcKeyMaxBytes) });
  assert.equal(await readArcKey(tooLarge, context.tokenFolder), { problem: 'it has 4097 bytes, more than 4096' });
});

arc('key file must be printable and not empty', async (context) => {
  const empty = join(context.tokenFolder, 'empty.key');
  const binary = join(context.tokenFolder, 'binary.key');
  const trailingNewline = join(context.tokenFolder, 'newline.key');
  writeFileSync(empty, '');
  writeFileSync(binary, 'ab\ncd');
  writeFileSync(trailingNewline, 'abcd\n');

  assert.equal(await readArcKey(empty, context.tokenFolder), { problem: 'it is empty' });
  assert.equal(await readArcKey(binary, context.tokenFolder), { problem: 'it contains characters that an HTTP header cannot carry' });
  assert.equal(await readArcKey(trailingNewline, context.tokenFolder), { key: 'abcd' });
});

arc('link out of the token folder is not followed', async (context) => {
  const outside = join(context.root, 'target.key');
  const link = join(context.tokenFolder, 'link.key');
  writeFileSync(outside, 'outside-key');
  symlinkSync(outside, link);

  const result = await readArcKey(link, context.tokenFolder);

  assert.equal(result, { problem: `it resolves to ${outside}, outside ${context.tokenFolder}` });
});

arc.run();
