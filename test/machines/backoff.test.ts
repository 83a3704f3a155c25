import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffMs, retryDelayMs, retryJitter } from '../../machines/backoff.ts';

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

backoff('no seed means no jitter', () => {
  assert.is(retryJitter(undefined, 3), 0.5);
  assert.is(retryDelayMs({ attempt: 3 }), 8_000);
});

backoff('seeded jitter stays in range and repeats', () => {
  const values = Array.from({ length: 30 }, (_, attempt) => retryJitter(0.37, attempt + 1));

  assert.ok(values.every((value) => value >= 0 && value < 1));
  assert.is(retryJitter(0.37, 4), values[3]);
  assert.ok(new Set(values.map((value) => value.toFixed(3))).size > 25);
});

backoff('agents with other seeds retry apart', () => {
  const delays = [0.1, 0.4, 0.7].map((jitterSeed) => retryDelayMs({ attempt: 5, jitterSeed }));

  assert.is(new Set(delays).size, 3);
  assert.ok(delays.every((delay) => delay >= 25_600 && delay <= 38_400));
});

backoff.run();
