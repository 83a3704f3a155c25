import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { PollSchedule } from '../../../actors/status-command/poll-schedule.ts';
import { backoffMs } from '../../../machines/backoff.ts';

const schedule = suite('poll schedule');

const url = 'https://vault.test/secrets/web';

function clock(startMs = 1_000_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => { nowMs += ms; } };
}

schedule('unknown before the first poll is scheduled', () => {
  const poll = new PollSchedule(clock().now);

  assert.is(poll.nextPollAt(url, 'idle'), undefined);
});

schedule('idle certificate waits for the regular poll', () => {
  const time = clock();
  const poll = new PollSchedule(time.now);

  poll.recordPollScheduled(3_600_000);

  assert.is(poll.nextPollAt(url, 'idle')?.getTime(), 1_000_000 + 3_600_000);
});

schedule('busy certificate has no next poll', () => {
  const poll = new PollSchedule(clock().now);
  poll.recordPollScheduled(60_000);

  for (const state of ['fetching', 'installing', 'acl', 'linked']) assert.is(poll.nextPollAt(url, state), undefined, state);
});

schedule('retry time from the backoff at entry', () => {
  const time = clock();
  const poll = new PollSchedule(time.now);
  poll.recordPollScheduled(3_600_000);

  poll.recordCertificate(url, 'errorBackoff', 3, backoffMs(3));
  time.advance(1_000);
  poll.recordCertificate(url, 'errorBackoff', 3, backoffMs(3));

  assert.is(poll.nextPollAt(url, 'errorBackoff')?.getTime(), 1_000_000 + backoffMs(3));
});

schedule('retry honours Retry-After', () => {
  const poll = new PollSchedule(clock().now);

  poll.recordCertificate(url, 'errorBackoff', 1, backoffMs(1, 30_000));

  assert.is(poll.nextPollAt(url, 'errorBackoff')?.getTime(), 1_000_000 + 30_000);
});

schedule('new attempt restarts the retry delay', () => {
  const time = clock();
  const poll = new PollSchedule(time.now);
  poll.recordCertificate(url, 'errorBackoff', 1, backoffMs(1));

  time.advance(5_000);
  poll.recordCertificate(url, 'fetching', 1, 0);
  poll.recordCertificate(url, 'errorBackoff', 2, backoffMs(2));

  assert.is(poll.nextPollAt(url, 'errorBackoff')?.getTime(), 1_005_000 + backoffMs(2));
});

schedule.run();
