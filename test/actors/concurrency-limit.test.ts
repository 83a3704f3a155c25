import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyLimit } from '../../actors/concurrency-limit.ts';

const limit = suite('concurrency limit');

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

function track(limiter: ConcurrencyLimit, log: { running: number; peak: number; order: number[] }, id: number, delayMs = 5) {
  return limiter.run(async () => {
    log.running += 1;
    log.peak = Math.max(log.peak, log.running);
    log.order.push(id);
    await sleep(delayMs);
    log.running -= 1;
    return id;
  });
}

limit('runs at most max tasks at once', async () => {
  const limiter = new ConcurrencyLimit(3);
  const log = { running: 0, peak: 0, order: [] as number[] };

  const results = await Promise.all(Array.from({ length: 12 }, (_, id) => track(limiter, log, id)));

  assert.is(log.peak, 3);
  assert.is(limiter.peak, 3);
  assert.equal(results, Array.from({ length: 12 }, (_, id) => id));
  assert.is(limiter.active, 0);
});

limit('starts waiting tasks in arrival order', async () => {
  const limiter = new ConcurrencyLimit(1);
  const log = { running: 0, peak: 0, order: [] as number[] };

  await Promise.all([3, 1, 2].map((id) => track(limiter, log, id, 1)));

  assert.equal(log.order, [3, 1, 2]);
});

limit('frees the slot when a task fails', async () => {
  const limiter = new ConcurrencyLimit(1);

  const error = await rejection(limiter.run(async () => { throw new Error('boom'); }));
  const value = await limiter.run(async () => 'next');

  assert.is(error.message, 'boom');
  assert.is(value, 'next');
  assert.is(limiter.active, 0);
});

limit('aborted waiting task is dropped', async () => {
  const limiter = new ConcurrencyLimit(1);
  const controller = new AbortController();
  let release!: () => void;
  const first = limiter.run(() => new Promise<void>((resolve) => { release = resolve; }));
  let secondRan = false;

  const second = limiter.run(async () => { secondRan = true; }, controller.signal);
  assert.is(limiter.waiting, 1);
  controller.abort(new Error('stopped'));

  assert.is((await rejection(second)).message, 'stopped');
  assert.is(limiter.waiting, 0);
  release();
  await first;
  assert.is(secondRan, false);
  assert.is(limiter.active, 0);
});

limit('already aborted signal rejects at once', async () => {
  const limiter = new ConcurrencyLimit(2);

  const error = await rejection(limiter.run(async () => 1, AbortSignal.abort(new Error('gone'))));

  assert.is(error.message, 'gone');
  assert.is(limiter.active, 0);
});

limit('rejects a maximum below one', () => {
  assert.throws(() => new ConcurrencyLimit(0), /at least 1, not 0/);
  assert.throws(() => new ConcurrencyLimit(2.5), /whole number/);
});

limit.run();
