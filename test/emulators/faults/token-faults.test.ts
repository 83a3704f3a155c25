import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTokenEmulator } from '../../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../../emulators/token-emulator.ts';
import { expiredAgeS } from '../../../emulators/faults/token-fault.ts';

const tokenFaults = suite('token emulator faults');

let tokens: TokenEmulator;

async function requestToken(): Promise<{ status: number; body: Record<string, string> }> {
  const response = await fetch(`${tokens.endpoint}?api-version=2018-02-01&resource=https://vault.azure.net`, { headers: { Metadata: 'true' } });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

tokenFaults.before.each(async () => {
  tokens = await startTokenEmulator({ tokenLifetimeS: 3600 });
});

tokenFaults.after.each(async () => {
  await tokens.close();
});

tokenFaults('expired token says it expired', async () => {
  tokens.tokenFaults.inject({ kind: 'expired' }, 1);
  const nowS = Date.now() / 1000;

  const { body } = await requestToken();

  assert.ok(Number(body.expires_on) <= nowS - expiredAgeS + 5);
  assert.not.ok(tokens.verifyToken(body.access_token, 'https://vault.azure.net'));
});

tokenFaults('unannounced expiry promises the lifetime', async () => {
  tokens.tokenFaults.inject({ kind: 'expired-unannounced' }, 1);
  const nowS = Date.now() / 1000;

  const { body } = await requestToken();
  const next = await requestToken();

  assert.ok(Number(body.expires_on) >= nowS + 3600 - 5);
  assert.is(body.expires_in, '3600');
  assert.not.ok(tokens.verifyToken(body.access_token, 'https://vault.azure.net'));
  assert.ok(tokens.verifyToken(next.body.access_token, 'https://vault.azure.net'));
});

tokenFaults('status fault lasts until cleared', async () => {
  tokens.tokenFaults.inject({ kind: 'status', status: 400 });

  const first = await requestToken();
  const second = await requestToken();
  tokens.tokenFaults.clear();
  const third = await requestToken();

  assert.equal([first.status, second.status, third.status], [400, 400, 200]);
  assert.is(first.body.error_description, 'Identity not found');
});

tokenFaults('issued tokens are recorded', async () => {
  const { body } = await requestToken();
  tokens.tokenFaults.inject({ kind: 'expired' }, 1);
  const expired = await requestToken();

  assert.equal(tokens.issuedTokens, [body.access_token, expired.body.access_token]);
});

tokenFaults.run();
