import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromPromise, SimulatedClock, waitFor } from 'xstate';
import { certificateMachine } from '../../machines/certificate-machine.ts';
import { extensionMachine } from '../../machines/extension-machine.ts';
import type { ObservedEntry } from '../../machines/extension-logic.ts';
import type { FetchInput } from '../../machines/certificate-logic.ts';
import type { FetchedVersion } from '../../machines/certificate-types.ts';
import { backoffMs } from '../../machines/backoff.ts';
import { rollUpStatus } from '../../machines/status-rollup.ts';
import { buildStatusDocument } from '../../actors/status/status-file.ts';
import { keyVaultError, version } from './certificate-fakes.ts';

const extension = suite('extension machine');

const urlA = 'https://kv.vault.azure.net/secrets/a';
const urlB = 'https://kv.vault.azure.net/secrets/b';

/** Starts the extension with a fetch outcome per URL: 'ok', or 'fail' to fail every time. */
function start(outcomes: Record<string, 'ok' | 'fail'>, requireInitialSync: boolean, observed?: ObservedEntry[]) {
  const fetched: string[] = [];
  const fetchSecret = fromPromise<FetchedVersion, FetchInput>(async ({ input }) => {
    fetched.push(input.url);
    if (outcomes[input.url] === 'fail') throw keyVaultError('AccessDenied');
    return version('v1', `T-${input.url.slice(-1)}`);
  });
  const certificate = certificateMachine.provide({
    actors: {
      fetchSecret,
      installBundle: fromPromise(async () => {}),
      grantKeyAccess: fromPromise(async () => {}),
      linkRenewal: fromPromise(async () => {}),
    },
  });
  const clock = new SimulatedClock();
  const entries = observed ?? Object.keys(outcomes).map((url) => ({ url }));
  const actor = createActor(extensionMachine.provide({ actors: { certificate } }), {
    input: { requireInitialSync, observed: entries },
    clock,
  }).start();
  return { actor, clock, fetched };
}

function report(actor: ReturnType<typeof start>['actor']) {
  const { context } = actor.getSnapshot();
  return rollUpStatus(Object.values(context.certificates), context.requireInitialSync);
}

/** The `status.status` value the handler status file would carry now. */
function fileStatus(actor: ReturnType<typeof start>['actor']): string {
  const options = { name: 'KeyVaultForWindows', operation: 'Enable', now: new Date(0), configurationAppliedTime: new Date(0) };
  return (buildStatusDocument(report(actor), options)[0] as { status: { status: string } }).status.status;
}

extension('spawns one certificate actor per url', () => {
  const { actor } = start({ [urlA]: 'ok', [urlB]: 'ok' }, true);

  assert.equal(Object.keys(actor.getSnapshot().children).sort(), [urlA, urlB]);
  assert.ok(actor.getSnapshot().matches('transitioning'));
});

extension('initial sync required: ready once all installed', async () => {
  const { actor } = start({ [urlA]: 'ok', [urlB]: 'ok' }, true);

  actor.send({ type: 'poll.due' });
  await waitFor(actor, (snapshot) => snapshot.matches('ready'), { timeout: 2_000 });

  const status = report(actor);
  assert.is(status.status, 'Ready');
  assert.is(status.reason, 'AllInstalled');
  assert.equal(status.certificates.map((c) => c.status), ['success', 'success']);
});

extension('initial sync not required: ready at once', () => {
  const { actor } = start({ [urlA]: 'fail' }, false);

  assert.ok(actor.getSnapshot().matches('ready'));
  assert.is(report(actor).status, 'Ready');
});

extension('initial sync not required: failure shows per url', async () => {
  const { actor } = start({ [urlA]: 'fail', [urlB]: 'ok' }, false);

  actor.send({ type: 'poll.due' });
  await waitFor(actor, (snapshot) => snapshot.context.certificates[urlA].attempt === 1 && snapshot.context.certificates[urlB].installed !== undefined);

  const status = report(actor);
  assert.is(status.status, 'Ready');
  assert.equal(status.certificates.map((c) => c.status), ['error', 'success']);
  assert.is(status.certificates[0].reason, 'AccessDenied');
});

extension('stays transitioning through 25 retries, then error', async () => {
  const { actor, clock, fetched } = start({ [urlA]: 'fail', [urlB]: 'ok' }, true);
  actor.send({ type: 'poll.due' });
  await waitFor(actor, (snapshot) => snapshot.context.certificates[urlA].attempt === 1);

  for (let retry = 1; retry <= 25; retry++) {
    assert.ok(actor.getSnapshot().matches('transitioning'), `transitioning before retry ${retry}`);
    assert.is(report(actor).status, 'Transitioning');
    assert.is(fileStatus(actor), 'transitioning');
    clock.increment(backoffMs(retry));
    await waitFor(actor, (snapshot) => snapshot.context.certificates[urlA].attempt === retry + 1);
  }

  assert.ok(actor.getSnapshot().matches('error'));
  assert.is(fileStatus(actor), 'error');
  const status = report(actor);
  assert.is(status.status, 'Error');
  assert.is(status.reason, 'InitialSyncFailed');
  assert.match(status.message, /after 25 retries for https:\/\/kv\.vault\.azure\.net\/secrets\/a/);
  assert.is(fetched.filter((url) => url === urlA).length, 26);
  assert.is(status.certificates[0].reason, 'AccessDenied');
});

extension('error turns ready when the certificate recovers', async () => {
  const outcomes: Record<string, 'ok' | 'fail'> = { [urlA]: 'fail' };
  const { actor, clock } = start(outcomes, true);
  actor.send({ type: 'poll.due' });
  for (let retry = 1; retry <= 25; retry++) {
    await waitFor(actor, (snapshot) => snapshot.context.certificates[urlA].attempt === retry);
    clock.increment(backoffMs(retry));
  }
  await waitFor(actor, (snapshot) => snapshot.matches('error'));

  outcomes[urlA] = 'ok';
  clock.increment(backoffMs(26));
  await waitFor(actor, (snapshot) => snapshot.matches('ready'), { timeout: 2_000 });

  assert.is(report(actor).status, 'Ready');
  assert.is(fileStatus(actor), 'success');
});

extension('initial sync not required: success through 25 failures', async () => {
  const { actor, clock } = start({ [urlA]: 'fail' }, false);
  assert.is(fileStatus(actor), 'success');
  actor.send({ type: 'poll.due' });

  for (let retry = 1; retry <= 26; retry++) {
    await waitFor(actor, (snapshot) => snapshot.context.certificates[urlA].attempt === retry);
    assert.is(fileStatus(actor), 'success');
    clock.increment(backoffMs(retry));
  }

  assert.is(report(actor).certificates[0].status, 'error');
});

extension('state file versions count as installed', () => {
  const { actor } = start({}, true, [{ url: urlA, installed: { version: 'v1', thumbprint: 'AAA' } }]);

  assert.ok(actor.getSnapshot().matches('ready'));
});

extension('settings change starts and stops only changed urls', async () => {
  const urlC = 'https://kv.vault.azure.net/secrets/c';
  const { actor, fetched } = start({ [urlA]: 'ok', [urlB]: 'ok', [urlC]: 'ok' }, false, [{ url: urlA }, { url: urlB }]);
  const childA = actor.getSnapshot().children[urlA];

  actor.send({ type: 'settings.changed', requireInitialSync: false, observed: [{ url: urlA }, { url: urlC }] });
  await waitFor(actor, (snapshot) => snapshot.context.certificates[urlC]?.installed !== undefined);

  const children = actor.getSnapshot().children;
  assert.equal(Object.keys(children).sort(), [urlA, urlC]);
  assert.is(children[urlA], childA);
  assert.equal(fetched, [urlC]);
  assert.equal(Object.keys(actor.getSnapshot().context.certificates).sort(), [urlA, urlC]);
});

extension('poll is forwarded to every certificate', async () => {
  const { actor, fetched } = start({ [urlA]: 'ok', [urlB]: 'ok' }, false);

  actor.send({ type: 'poll.due' });
  await waitFor(actor, (snapshot) => Object.values(snapshot.context.certificates).every((c) => c.polls === 1));
  actor.send({ type: 'refresh.requested' });
  await waitFor(actor, (snapshot) => Object.values(snapshot.context.certificates).every((c) => c.polls === 2));

  assert.equal(fetched.sort(), [urlA, urlA, urlB, urlB]);
});

extension.run();
