import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { keyVaultError, settled, startCertificate, version } from './certificate-fakes.ts';

const certificate = suite('certificate machine');

certificate('starts idle and waits for a poll', () => {
  const { actor, calls } = startCertificate({});

  assert.ok(actor.getSnapshot().matches('idle'));
  assert.is(calls.fetch.length, 0);
});

certificate('poll installs a new version through every step', async () => {
  const { actor, calls } = startCertificate({ fetch: [version('v1', 'AAA')] });

  actor.send({ type: 'poll.due' });
  const snapshot = await settled(actor, 'idle');

  assert.equal(calls.fetch.map((call) => call.url), ['https://myvault.vault.azure.net/secrets/web']);
  assert.is(calls.install.length, 1);
  assert.is(calls.acl.length, 1);
  assert.is(calls.link.length, 1);
  assert.equal(snapshot.context.installed, { version: 'v1', thumbprint: 'AAA', notAfter: '2030-01-01T00:00:00.000Z' });
  assert.is(snapshot.context.attempt, 0);
  assert.is(snapshot.context.candidate, undefined);
  assert.is(snapshot.context.polls, 1);
});

certificate('unchanged version skips install', async () => {
  const { actor, calls } = startCertificate({ fetch: [{ version: 'v1', unchanged: true }] }, { version: 'v1', thumbprint: 'AAA' });

  actor.send({ type: 'poll.due' });
  await settled(actor, 'idle');

  assert.equal(calls.fetch[0].installedVersion, 'v1');
  assert.is(calls.install.length, 0);
  assert.is(actor.getSnapshot().context.installed?.thumbprint, 'AAA');
});

certificate('renewal passes the previous thumbprint to link', async () => {
  const { actor, calls } = startCertificate({ fetch: [version('v2', 'BBB')] }, { version: 'v1', thumbprint: 'AAA' });

  actor.send({ type: 'poll.due' });
  const snapshot = await settled(actor, 'idle');

  assert.is(calls.link[0].previousThumbprint, 'AAA');
  assert.is(snapshot.context.previousThumbprint, 'AAA');
  assert.is(snapshot.context.installed?.thumbprint, 'BBB');
});

certificate('link step sees the replaced thumbprint', async () => {
  const { actor, calls } = startCertificate({ fetch: [version('v1', 'AAA'), version('v2', 'BBB')] });

  actor.send({ type: 'poll.due' });
  await settled(actor, 'idle');
  actor.send({ type: 'poll.due' });
  await settled(actor, 'linked');
  await settled(actor, 'idle');

  assert.is(calls.link.length, 2);
  assert.is(calls.link[1].previousThumbprint, 'AAA');
  assert.is(calls.link[1].candidate.thumbprint, 'BBB');
});

certificate('fetch failure backs off then retries', async () => {
  const { actor, clock, calls } = startCertificate({ fetch: [keyVaultError('ServiceUnavailable'), version('v1')] });

  actor.send({ type: 'poll.due' });
  await settled(actor, 'errorBackoff');
  assert.equal(actor.getSnapshot().context.lastError, { reason: 'ServiceUnavailable', message: 'Key Vault failed: ServiceUnavailable', state: 'fetching' });
  assert.is(actor.getSnapshot().context.attempt, 1);

  clock.increment(1_999);
  assert.ok(actor.getSnapshot().matches('errorBackoff'));
  clock.increment(1);
  await settled(actor, 'idle');

  assert.is(calls.fetch.length, 2);
  assert.is(actor.getSnapshot().context.attempt, 0);
  assert.is(actor.getSnapshot().context.lastError, undefined);
});

certificate('throttled fetch waits for Retry-After', async () => {
  const { actor, clock } = startCertificate({ fetch: [keyVaultError('Throttled', 30_000), version('v1')] });

  actor.send({ type: 'poll.due' });
  await settled(actor, 'errorBackoff');

  clock.increment(29_000);
  assert.ok(actor.getSnapshot().matches('errorBackoff'));
  clock.increment(1_000);
  assert.ok(actor.getSnapshot().matches('fetching'));
});

certificate('delay grows with each failure', async () => {
  const failing = keyVaultError('ServiceUnavailable');
  const { actor, clock, calls } = startCertificate({ fetch: [failing] });

  actor.send({ type: 'poll.due' });
  await settled(actor, 'errorBackoff');
  clock.increment(2_000);
  await settled(actor, 'errorBackoff');
  clock.increment(3_999);
  assert.is(calls.fetch.length, 2);
  clock.increment(1);
  await settled(actor, 'errorBackoff');

  assert.is(calls.fetch.length, 3);
  assert.is(actor.getSnapshot().context.attempt, 3);
});

certificate('install failure keeps the installed version', async () => {
  const storeError = Object.assign(new Error('disk full'), { name: 'StoreError', step: 'install' });
  const { actor, calls } = startCertificate({ fetch: [version('v2', 'BBB')], install: [storeError] }, { version: 'v1', thumbprint: 'AAA' });

  actor.send({ type: 'poll.due' });
  const snapshot = await settled(actor, 'errorBackoff');

  assert.is(calls.acl.length, 0);
  assert.equal(snapshot.context.installed, { version: 'v1', thumbprint: 'AAA' });
  assert.equal(snapshot.context.lastError, { reason: 'InstallFailed', message: 'disk full', state: 'installing' });
});

certificate('acl failure backs off with its reason', async () => {
  const aclError = Object.assign(new Error('unknown account'), { name: 'StoreError', step: 'acl' });
  const { actor, calls } = startCertificate({ acl: [aclError] });

  actor.send({ type: 'poll.due' });
  const snapshot = await settled(actor, 'errorBackoff');

  assert.is(calls.link.length, 0);
  assert.is(snapshot.context.lastError?.reason, 'KeyAccessFailed');
  assert.is(snapshot.context.lastError?.state, 'acl');
});

certificate('link failure backs off with its reason', async () => {
  const linkError = Object.assign(new Error('property not set'), { name: 'StoreError', step: 'link' });
  const { actor } = startCertificate({ link: [linkError] });

  actor.send({ type: 'poll.due' });
  const snapshot = await settled(actor, 'errorBackoff');

  assert.is(snapshot.context.lastError?.reason, 'RenewalLinkFailed');
  assert.is(snapshot.context.lastError?.state, 'linked');
  assert.is(snapshot.context.installed?.version, 'v1');
});

certificate('invalid certificate has its own reason', async () => {
  const bundleError = Object.assign(new Error('needs a password'), { name: 'BundleError', code: 'password-required' });
  const { actor } = startCertificate({ fetch: [bundleError] });

  actor.send({ type: 'poll.due' });
  const snapshot = await settled(actor, 'errorBackoff');

  assert.is(snapshot.context.lastError?.reason, 'InvalidCertificate');
});

certificate('backoff ignores poll but takes refresh', async () => {
  const { actor, calls } = startCertificate({ fetch: [keyVaultError('AccessDenied'), version('v1')] });
  actor.send({ type: 'poll.due' });
  await settled(actor, 'errorBackoff');

  actor.send({ type: 'poll.due' });
  assert.ok(actor.getSnapshot().matches('errorBackoff'));
  actor.send({ type: 'refresh.requested' });
  await settled(actor, 'idle');

  assert.is(calls.fetch.length, 2);
});

certificate('fetching ignores another poll', async () => {
  const { actor, calls } = startCertificate({});

  actor.send({ type: 'poll.due' });
  actor.send({ type: 'poll.due' });
  actor.send({ type: 'refresh.requested' });
  await settled(actor, 'idle');

  assert.is(calls.fetch.length, 1);
});

certificate('unprovided actor fails with a clear message', async () => {
  const { certificateMachine } = await import('../../machines/certificate-machine.ts');
  const { createActor, waitFor } = await import('xstate');
  const actor = createActor(certificateMachine, { input: { url: 'u' } }).start();

  actor.send({ type: 'poll.due' });
  const snapshot = await waitFor(actor, (s) => s.matches('errorBackoff'));

  assert.match(snapshot.context.lastError!.message, /fetchSecret is not provided/);
  actor.stop();
});

certificate.run();
