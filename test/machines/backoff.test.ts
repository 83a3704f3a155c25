import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffMs } from '../../machines/backoff.ts';

const backoff = suite('backoff');

backoff('doubles from 2 s up to the 300 s cap', () => {
  const schedule = Array.from({ length: 10 }, (_, index) => backoffMs(index + 1));

  assert.equal(schedule, [2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
});

backoff('jitter spreads by 20 percent', () => {
  assert.is(backoffMs(1, undefined, 0), 1_600);
  assert.is(backoffMs(1, undefined, 0.999999), 2_400);
});

backoff('longer Retry-After wins', () => {
  assert.is(backoffMs(1, 30_000), 30_000);
  assert.is(backoffMs(5, 1_000), 32_000);
});

backoff('Retry-After is clamped', () => {
  assert.is(backoffMs(1, 0), 2_000);
  assert.is(backoffMs(1, 3_600_000), 600_000);
});

backoff('25 retries take about 95 minutes', () => {
  const totalMs = Array.from({ length: 25 }, (_, index) => backoffMs(index + 1)).reduce((sum, ms) => sum + ms, 0);

  assert.is(totalMs, 5_610_000);
});

backoff.run();
