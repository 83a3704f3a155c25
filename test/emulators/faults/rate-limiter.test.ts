import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FixedWindowLimiter } from '../../../emulators/faults/rate-limiter.ts';

const limiter = suite('fixed window limiter');

limiter('allows the limit, then rejects with Retry-After', () => {
  let now = 1_000;
  const limit = new FixedWindowLimiter({ limit: 3, windowMs: 10_000 }, () => now);

  const decisions = [limit.check(), limit.check(), limit.check()];
  now += 2_500;
  const rejected = limit.check();

  assert.ok(decisions.every((decision) => decision.allowed));
  assert.equal(rejected, { allowed: false, retryAfterS: 8 });
  assert.is(limit.rejected, 1);
});

limiter('new window allows again', () => {
  let now = 0;
  const limit = new FixedWindowLimiter({ limit: 1, windowMs: 1_000 }, () => now);
  limit.check();
  assert.is(limit.check().allowed, false);

  now = 1_000;

  assert.is(limit.check().allowed, true);
  assert.is(limit.check().allowed, false);
});

limiter('Retry-After is at least 1 s', () => {
  let now = 0;
  const limit = new FixedWindowLimiter({ limit: 1, windowMs: 1_000 }, () => now);
  limit.check();
  now = 999;

  assert.equal(limit.check(), { allowed: false, retryAfterS: 1 });
});

limiter('rejects a limit or window below 1', () => {
  assert.throws(() => new FixedWindowLimiter({ limit: 0, windowMs: 1_000 }), /positive limit and windowMs, not 0 per 1000 ms/);
  assert.throws(() => new FixedWindowLimiter({ limit: 5, windowMs: -1 }), /not 5 per -1 ms/);
});

limiter.run();
