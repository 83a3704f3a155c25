import { suite } from 'uvu';
import { setTimeout as sleep } from 'node:timers/promises';
import * as assert from 'uvu/assert';
import { Agent } from '../../../actors/agent.ts';
import { silentLogger } from '../../../actors/logger.ts';
import { updatedMarginS } from '../../../actors/vault-poll/listing-decision.ts';
import { validateSettings } from '../../../actors/settings/validate-settings.ts';
import { ManagedIdentityTokenCredential } from '../../../adapters/imds/managed-identity-credential.ts';
import { KeyVaultSecretSource } from '../../../adapters/keyvault/keyvault-secret-source.ts';
import { startKeyVaultEmulator } from '../../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator } from '../../../emulators/keyvault-emulator.ts';
import { startTokenEmulator } from '../../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../../emulators/token-emulator.ts';
import { fakeParse, pollOnce, RecordingStore } from '../agent-fakes.ts';

const listingPoll = suite('listing poll against the vault emulator');
const count = 30;
const names = Array.from({ length: count }, (_, index) => `cert-${String(index).padStart(2, '0')}`);

let tokens: TokenEmulator;
let vault: KeyVaultEmulator;
let agent: Agent;
let store: RecordingStore;

// One agent serves the whole suite, so the secrets are published once. They are older than
// updatedMarginS when it first reads them, as on a vault whose certificates exist before the
// agent starts. The tests run in order and build on each other.
listingPoll.before(async () => {
  tokens = await startTokenEmulator();
  vault = await startKeyVaultEmulator({ verifyToken: tokens.verifyToken });
  for (const name of names) vault.setSecret(name, { value: `${name} first`, contentType: 'application/x-pkcs12' });
  await sleep((updatedMarginS + 1) * 1000);

  const { settings } = validateSettings({
    secretsManagementSettings: { observedCertificates: names.map((name) => `${vault.url}/secrets/${name}`) },
    authenticationSettings: { msiEndpoint: tokens.endpoint },
  }, 'test');
  const source = new KeyVaultSecretSource({
    credential: new ManagedIdentityTokenCredential({ endpoint: tokens.endpoint, maxRetries: 0 }),
    trustedCaPem: vault.caPem, maxRetries: 0,
  });
  store = new RecordingStore();
  agent = new Agent({ settings, source, lister: source, store, parseSecret: fakeParse, logger: silentLogger });
  agent.start();
  await agent.settled(30_000);
});

listingPoll.after(async () => {
  await agent.stop(5_000);
  await vault.close();
  await tokens.close();
});

/** Requests the vault received from index `from` on, as `METHOD path status`. */
const requestsSince = (vault: KeyVaultEmulator, from: number) => vault.requests.slice(from).map((request) => `${request.method} ${request.path} ${request.status}`);

listingPoll('unchanged poll costs under 0.1 requests per certificate', async () => {
  const from = vault.requests.length;
  const installs = store.installed.length;

  await pollOnce(agent);

  const requests = requestsSince(vault, from);
  assert.equal(requests, ['GET /secrets 200', 'GET /secrets 200']);
  assert.ok(requests.length / count <= 0.1);
  assert.is(store.installed.length, installs);
  assert.is(agent.polls.stats.skippedGets, count);
});

listingPoll('renewed secret alone is fetched', async () => {
  const renewal = vault.setSecret('cert-07', { value: 'cert-07 second', contentType: 'application/x-pkcs12' });
  const from = vault.requests.length;

  await pollOnce(agent);

  assert.equal(requestsSince(vault, from), ['GET /secrets 200', 'GET /secrets 200', 'GET /secrets/cert-07/ 200']);
  assert.is(store.installed.at(-1), fakeParse('cert-07 second').leaf.thumbprint);
  const summary = agent.certificates().find((item) => item.url.endsWith('/cert-07'));
  assert.is(summary?.installed?.version, renewal.version);
});

listingPoll('secret deleted from the vault is fetched and reported', async () => {
  vault.deleteSecret('cert-03');
  const from = vault.requests.length;

  await pollOnce(agent);

  const requests = requestsSince(vault, from);
  assert.ok(requests.includes('GET /secrets/cert-03/ 404'));
  assert.not.ok(requests.includes('GET /secrets/cert-04/ 200'));
  const summary = agent.certificates().find((item) => item.url.endsWith('/cert-03'));
  assert.is(summary?.lastError?.reason, 'SecretNotFound');
});

listingPoll('forbidden listing falls back to one GET per certificate', async () => {
  vault.setSecret('cert-03', { value: 'cert-03 restored', contentType: 'application/x-pkcs12' });
  vault.denyListing(true);
  const from = vault.requests.length;

  await pollOnce(agent);
  const firstPoll = requestsSince(vault, from);
  const middle = vault.requests.length;
  await pollOnce(agent);
  const secondPoll = requestsSince(vault, middle);

  assert.is(firstPoll[0], 'GET /secrets 403');
  assert.is(firstPoll.filter((request) => /^GET \/secrets\/cert-\d+\/ 200$/.test(request)).length, count);
  assert.is(firstPoll.length, count + 1);
  assert.is(secondPoll.length, count);
  assert.ok(agent.certificates().every((summary) => summary.lastError === undefined && summary.installed !== undefined));
});

listingPoll.run();
