import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { FaultQueue } from '../../../emulators/faults/fault-queue.ts';

type TestFault = { kind: 'a' } | { kind: 'b' };

const queue = suite('fault queue');

queue('counted fault applies that many times', () => {
  const faults = new FaultQueue<TestFault>();
  faults.inject({ kind: 'a' }, 2);

  assert.equal([faults.take(), faults.take(), faults.take()], [{ kind: 'a' }, { kind: 'a' }, undefined]);
  assert.equal(faults.applied, { a: 2 });
});

queue('faults apply in the order injected', () => {
  const faults = new FaultQueue<TestFault>();
  faults.inject({ kind: 'a' }, 1);
  faults.inject({ kind: 'b' }, 1);

  assert.is(faults.take()?.kind, 'a');
  assert.is(faults.take()?.kind, 'b');
});

queue('fault without count lasts until cleared', () => {
  const faults = new FaultQueue<TestFault>();
  faults.inject({ kind: 'b' });

  for (let i = 0; i < 100; i += 1) assert.is(faults.take()?.kind, 'b');
  faults.clear();

  assert.is(faults.take(), undefined);
  assert.is(faults.pending, 0);
  assert.equal(faults.applied, { b: 100 });
});

queue('count of zero injects nothing', () => {
  const faults = new FaultQueue<TestFault>();
  faults.inject({ kind: 'a' }, 0);

  assert.is(faults.take(), undefined);
});

queue.run();
