import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffCapMs, backoffMs, parseRetryAfterMs } from '../../../adapters/imds/backoff.ts';

const backoff = suite('backoffMs');

backoff('doubles from one second', () => {
  const middle = () => 0.5;
  assert.is(backoffMs(0, undefined, middle), 1_000);
  assert.is(backoffMs(1, undefined, middle), 2_000);
  assert.is(backoffMs(2, undefined, middle), 4_000);
  assert.is(backoffMs(5, undefined, middle), 32_000);
});

backoff('jitter stays within 20 percent', () => {
  assert.is(backoffMs(2, undefined, () => 0), 3_200);
  assert.is(backoffMs(2, undefined, () => 0.999999), 4_800);
});

backoff('never exceeds the cap', () => {
  assert.is(backoffMs(10, undefined, () => 0.999999), backoffCapMs);
  assert.is(backoffMs(60, undefined, () => 0), 48_000);
});

backoff('waits at least Retry-After', () => {
  assert.is(backoffMs(0, 7_000, () => 0), 7_000);
  assert.is(backoffMs(0, 7_000, () => 0.999999), 7_700);
  assert.is(backoffMs(4, 0, () => 0), 0);
});

backoff('clamps a long Retry-After', () => {
  assert.is(backoffMs(0, 3_600_000, () => 0.5), backoffCapMs);
  assert.is(backoffMs(0, -5, () => 0.5), 0);
});

const retryAfter = suite('parseRetryAfterMs');

retryAfter('reads seconds', () => {
  assert.is(parseRetryAfterMs('30'), 30_000);
  assert.is(parseRetryAfterMs(' 0 '), 0);
  assert.is(parseRetryAfterMs('1.5'), 1_500);
});

retryAfter('reads an HTTP date', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  assert.is(parseRetryAfterMs('Tue, 01 Jan 2030 00:00:20 GMT', now), 20_000);
  assert.is(parseRetryAfterMs('Mon, 31 Dec 2029 00:00:00 GMT', now), 0);
});

retryAfter('ignores missing or odd values', () => {
  assert.is(parseRetryAfterMs(null), undefined);
  assert.is(parseRetryAfterMs(''), undefined);
  assert.is(parseRetryAfterMs('soon'), undefined);
});

backoff.run();
retryAfter.run();
