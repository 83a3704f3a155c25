import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createMachine, fromPromise, setup } from 'xstate';
import { certificateMachine } from '../../machines/certificate-machine.ts';
import { extensionMachine } from '../../machines/extension-machine.ts';
import { chartOf, eventDescriber } from '../../actors/inspector/statechart-model.ts';
import { layoutChart } from '../../actors/inspector/statechart-layout.ts';
import type { StateBox } from '../../actors/inspector/statechart-layout.ts';
import { renderChartSvg } from '../../actors/inspector/statechart-svg.ts';

const statechart = suite('inspector statechart');

const overlaps = (a: StateBox, b: StateBox) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** A machine unlike kvcert's, so a hard-coded picture would fail. */
const doorMachine = setup({
  actors: { unlockDoor: fromPromise(async () => {}) },
  guards: { hasKey: () => true },
}).createMachine({
  id: 'door',
  initial: 'closed',
  states: {
    closed: { on: { 'door.opened': { target: 'open', guard: 'hasKey' }, 'door.locked': 'locked' } },
    locked: { invoke: { src: 'unlockDoor', onDone: 'closed' } },
    open: { after: { 500: 'closed' }, on: { 'door.broken': 'broken' } },
    broken: { type: 'final' },
  },
});

statechart('certificate chart comes from the machine definition', () => {
  const chart = chartOf(certificateMachine);

  assert.is(chart.id, 'certificate');
  assert.is(chart.initial, 'idle');
  assert.equal(chart.states.map((state) => state.key), ['idle', 'fetching', 'installing', 'acl', 'linked', 'errorBackoff']);
  assert.equal(chart.states.find((state) => state.key === 'fetching')!.invokes, ['fetchSecret']);
  assert.ok(chart.transitions.some((t) => t.source === 'fetching' && t.target === 'idle' && t.trigger === 'fetchSecret done' && t.guard === 'isUnchanged'));
  assert.ok(chart.transitions.some((t) => t.source === 'linked' && t.target === 'errorBackoff' && t.trigger === 'linkRenewal error'));
  assert.ok(chart.transitions.some((t) => t.source === 'errorBackoff' && t.target === 'fetching' && t.trigger === 'after retryDelay'));
  assert.is(chart.transitions.length, 13);
});

statechart('extension chart lists machine-level transitions', () => {
  const chart = chartOf(extensionMachine);

  assert.equal(chart.states.map((state) => state.key), ['transitioning', 'error', 'ready']);
  assert.ok(chart.transitions.some((t) => t.source === 'transitioning' && t.target === 'error' && t.trigger === 'always' && t.guard === 'anyGaveUp'));
  assert.ok(chart.machineTransitions.some((t) => t.trigger === 'settings.changed' && t.target === 'transitioning' && t.actions.includes('reconcileCertificates')));
});

statechart('other machine draws its own states', () => {
  const chart = chartOf(doorMachine);
  const svg = renderChartSvg(layoutChart(chart));

  assert.equal(chart.states.map((state) => [state.key, state.final]), [['closed', false], ['locked', false], ['open', false], ['broken', true]]);
  assert.ok(chart.transitions.some((t) => t.source === 'open' && t.target === 'closed' && t.trigger === 'after 500 ms'));
  assert.ok(chart.transitions.some((t) => t.source === 'locked' && t.target === 'closed' && t.trigger === 'unlockDoor done'));
  for (const key of ['closed', 'locked', 'open', 'broken']) assert.match(svg, `data-state="${key}"`);
  assert.match(svg, '<g class="state final" data-state="broken">');
  assert.not.match(svg, 'data-state="idle"');
});

statechart('layout keeps states and labels apart', () => {
  for (const machine of [certificateMachine, extensionMachine, doorMachine]) {
    const layout = layoutChart(chartOf(machine));

    for (const [index, box] of layout.boxes.entries()) {
      for (const other of layout.boxes.slice(index + 1)) assert.not.ok(overlaps(box, other), `${box.key} overlaps ${other.key}`);
      assert.ok(box.x >= 0, `${box.key} is left of the canvas`);
      assert.ok(box.y >= 0, `${box.key} is above the canvas`);
      assert.ok(box.x + box.width <= layout.width, `${box.key} is right of the canvas`);
      assert.ok(box.y + box.height <= layout.height, `${box.key} is below the canvas`);
    }
    for (const edge of layout.edges) {
      const inside = layout.boxes.find((box) => box.x < edge.label.x && edge.label.x < box.x + box.width && box.y < edge.label.y && edge.label.y < box.y + box.height);
      assert.is(inside, undefined, `label of ${edge.source} → ${edge.target} sits on ${inside?.key}`);
    }
  }
});

statechart('edges start and end on their states', () => {
  const layout = layoutChart(chartOf(certificateMachine));
  const onBorder = (box: StateBox, x: number, y: number) =>
    x >= box.x - 0.01 && x <= box.x + box.width + 0.01 && y >= box.y - 0.01 && y <= box.y + box.height + 0.01 &&
    (Math.abs(x - box.x) < 0.01 || Math.abs(x - box.x - box.width) < 0.01 || Math.abs(y - box.y) < 0.01 || Math.abs(y - box.y - box.height) < 0.01);

  for (const edge of layout.edges) {
    const source = layout.boxes.find((box) => box.key === edge.source)!;
    const target = layout.boxes.find((box) => box.key === edge.target)!;
    assert.ok(onBorder(source, edge.curve.from.x, edge.curve.from.y), `${edge.source} → ${edge.target} starts off ${edge.source}`);
    assert.ok(onBorder(target, edge.curve.to.x, edge.curve.to.y), `${edge.source} → ${edge.target} ends off ${edge.target}`);
  }
  assert.is(layout.edges.length, 11);
  assert.equal(layout.edges.find((edge) => edge.source === 'errorBackoff')!.labels, ['refresh.requested', 'after retryDelay']);
});

statechart('svg escapes state names', () => {
  const machine = createMachine({ id: 'odd<id>', initial: 'a&b', states: { 'a&b': { on: { 'go"now': 'c<d' } }, 'c<d': {} } });

  const svg = renderChartSvg(layoutChart(chartOf(machine)));

  assert.match(svg, 'data-state="a&amp;b"');
  assert.match(svg, '>c&lt;d</text>');
  assert.match(svg, 'go&quot;now');
  assert.match(svg, 'data-machine="odd&lt;id&gt;"');
  assert.not.match(svg, 'c<d');
});

statechart('events are named as the chart labels them', () => {
  const describe = eventDescriber(certificateMachine);

  assert.is(describe('xstate.done.actor.0.certificate.fetching'), 'fetchSecret done');
  assert.is(describe('xstate.error.actor.0.certificate.installing'), 'installBundle error');
  assert.is(describe('xstate.after.retryDelay.certificate.errorBackoff'), 'after retryDelay');
  assert.is(describe('refresh.requested'), 'refresh.requested');
});

statechart.run();
