// Places a chart's states in layers from the initial state and routes its transitions, so
// the inspector can draw any flat machine without a hand-drawn picture.
import { contains, lerp, overlaps, pointOnCurve } from './statechart-geometry.ts';
import type { Curve, Point, Rect } from './statechart-geometry.ts';
import type { Chart, ChartTransition } from './statechart-model.ts';

export interface StateBox {
  key: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Distance in transitions from the initial state; unreachable states get the last layer. */
  layer: number;
  row: number;
}

/** All transitions from one state to another, drawn as one arrow with one label line each. */
export interface EdgeLayout {
  source: string;
  target: string;
  labels: string[];
  curve: Curve;
  /** Center of the label block. */
  label: Point;
}

export interface ChartLayout {
  chart: Chart;
  width: number;
  height: number;
  boxes: StateBox[];
  edges: EdgeLayout[];
  /** Arrow from the initial marker dot to the initial state. */
  initialArrow?: { from: Point; to: Point };
  /** One line per transition defined on the machine itself, below the states. */
  notes: string[];
  notesTop: number;
}

const boxWidth = 128;
const boxHeight = 50;
const columnPitch = 260;
const rowPitch = 210;
const marginX = 56;
const marginY = 24;
const arcRise = 46;
const arcRisePerLayer = 26;
export const labelLineHeight = 14;
const labelCharWidth = 6.2;
export const noteLineHeight = 18;
const noteCharWidth = 7.4;
const loopReach = 40;
/** Radius of the dot that marks the initial state; the SVG renderer draws it. */
export const initialDotRadius = 6;
/** Fractions of an edge's length where its label may go, tried in this order. */
const labelPositions = [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85];
/** Edges with the least room get their labels placed first. */
const placementRank: Record<EdgeDraft['kind'], number> = { next: 0, arc: 1, loop: 2, cross: 3 };

type Side = 'top' | 'bottom' | 'left' | 'right';

interface EdgeDraft {
  source: StateBox;
  target: StateBox;
  labels: string[];
  kind: 'next' | 'arc' | 'cross' | 'loop';
  fromSide: Side;
  toSide: Side;
}

/** Lays out `chart`: states in columns by layer, transitions as straight lines or arcs. */
export function layoutChart(chart: Chart): ChartLayout {
  const boxes = placeBoxes(chart);
  const byKey = new Map(boxes.map((box) => [box.key, box]));
  const drafts = draftEdges(chart.transitions, byKey);
  const ports = assignPorts(drafts);
  const curves = drafts.map((draft, index) => curveOf(draft, ports.get(`${index}:from`)!, ports.get(`${index}:to`)!));
  const labels = placeLabels(drafts.map((draft, index) => ({ draft, curve: curves[index] })), boxes);
  const edges = drafts.map((draft, index) => ({ source: draft.source.key, target: draft.target.key, labels: draft.labels, curve: curves[index], label: labels[index] }));
  const layout = { chart, width: 0, height: 0, boxes, edges, initialArrow: initialArrowOf(chart, byKey), notes: chart.machineTransitions.map(noteOf), notesTop: 0 };
  return fitToMargins(layout);
}

/** Moves everything so the drawing starts at the margins, and sizes the canvas around it and the notes. */
function fitToMargins(layout: ChartLayout): ChartLayout {
  const bounds = boundsOf(layout);
  const dx = marginX - bounds.x;
  const dy = marginY - bounds.y;
  const move = (point: Point): Point => ({ x: point.x + dx, y: point.y + dy });
  const notesTop = bounds.y + bounds.height + dy + marginY;

  return {
    ...layout,
    width: bounds.width + 2 * marginX,
    height: notesTop + layout.notes.length * noteLineHeight,
    boxes: layout.boxes.map((box) => ({ ...box, x: box.x + dx, y: box.y + dy })),
    edges: layout.edges.map((edge) => ({
      ...edge,
      curve: { from: move(edge.curve.from), control1: move(edge.curve.control1), control2: move(edge.curve.control2), to: move(edge.curve.to) },
      label: move(edge.label),
    })),
    initialArrow: layout.initialArrow && { from: move(layout.initialArrow.from), to: move(layout.initialArrow.to) },
    notesTop,
  };
}

function boundsOf(layout: ChartLayout): Rect {
  const rects: Rect[] = layout.boxes.map((box) => ({ x: box.x, y: box.y, width: box.width, height: box.height }));
  for (const edge of layout.edges) {
    const size = labelSize(edge.labels);
    rects.push({ x: edge.label.x - size.width / 2, y: edge.label.y - size.height / 2, ...size });
    for (let t = 0; t <= 1; t += 0.05) rects.push({ ...pointOnCurve(edge.curve, t), width: 0, height: 0 });
  }
  if (layout.initialArrow) rects.push({ x: layout.initialArrow.from.x - initialDotRadius, y: layout.initialArrow.from.y, width: 0, height: 0 });

  const notesWidth = Math.max(0, ...layout.notes.map((note) => note.length * noteCharWidth));
  rects.push({ x: Math.min(...layout.boxes.map((box) => box.x)), y: layout.boxes[0]?.y ?? 0, width: notesWidth, height: 0 });

  const left = Math.min(...rects.map((rect) => rect.x));
  const top = Math.min(...rects.map((rect) => rect.y));
  const right = Math.max(...rects.map((rect) => rect.x + rect.width));
  const bottom = Math.max(...rects.map((rect) => rect.y + rect.height));
  return { x: left, y: top, width: right - left, height: bottom - top };
}

function layersOf(chart: Chart): Map<string, number> {
  const layers = new Map<string, number>();
  const queue = chart.initial ? [chart.initial] : [];
  if (chart.initial) layers.set(chart.initial, 0);

  while (queue.length > 0) {
    const key = queue.shift()!;
    for (const transition of chart.transitions) {
      if (transition.source !== key || !transition.target || layers.has(transition.target)) continue;
      layers.set(transition.target, layers.get(key)! + 1);
      queue.push(transition.target);
    }
  }
  return layers;
}

function placeBoxes(chart: Chart): StateBox[] {
  const layers = layersOf(chart);
  const unreachableLayer = Math.max(-1, ...layers.values()) + 1;
  const rowsUsed = new Map<number, number>();

  return chart.states.map((state) => {
    const layer = layers.get(state.key) ?? unreachableLayer;
    const row = rowsUsed.get(layer) ?? 0;
    rowsUsed.set(layer, row + 1);
    return { key: state.key, x: layer * columnPitch, y: row * rowPitch, width: boxWidth, height: boxHeight, layer, row };
  });
}

function labelOf(transition: ChartTransition): string {
  return transition.guard ? `${transition.trigger} [${transition.guard}]` : transition.trigger;
}

function draftEdges(transitions: ChartTransition[], byKey: Map<string, StateBox>): EdgeDraft[] {
  const drafts = new Map<string, EdgeDraft>();
  for (const transition of transitions) {
    const source = transition.source === undefined ? undefined : byKey.get(transition.source);
    const target = transition.target === undefined ? undefined : byKey.get(transition.target);
    if (!source || !target) continue;

    const key = `${source.key}\u0000${target.key}`;
    const existing = drafts.get(key);
    if (existing) existing.labels.push(labelOf(transition));
    else drafts.set(key, { source, target, labels: [labelOf(transition)], ...routeOf(source, target) });
  }
  return [...drafts.values()];
}

function routeOf(source: StateBox, target: StateBox): Pick<EdgeDraft, 'kind' | 'fromSide' | 'toSide'> {
  if (source === target) return { kind: 'loop', fromSide: 'top', toSide: 'right' };
  if (source.row !== target.row) {
    const down = target.row > source.row;
    return { kind: 'cross', fromSide: down ? 'bottom' : 'top', toSide: down ? 'top' : 'bottom' };
  }
  if (target.layer === source.layer + 1) return { kind: 'next', fromSide: 'right', toSide: 'left' };
  // Arcs of the first row go above it, arcs of lower rows below, away from the cross edges.
  const side = source.row === 0 ? 'top' : 'bottom';
  return { kind: 'arc', fromSide: side, toSide: side };
}

/** Spreads the ends of the edges that meet one side of one box along that side, ordered by where each edge goes. */
function assignPorts(drafts: EdgeDraft[]): Map<string, Point> {
  const sides = new Map<string, Array<{ id: string; box: StateBox; side: Side; toward: Point }>>();
  drafts.forEach((draft, index) => {
    const ends = [
      { id: `${index}:from`, box: draft.source, side: draft.fromSide, toward: centerOf(draft.target) },
      { id: `${index}:to`, box: draft.target, side: draft.toSide, toward: centerOf(draft.source) },
    ];
    for (const end of ends) {
      const key = `${end.box.key}:${end.side}`;
      sides.set(key, [...(sides.get(key) ?? []), end]);
    }
  });

  const ports = new Map<string, Point>();
  for (const ends of sides.values()) {
    const vertical = ends[0].side === 'left' || ends[0].side === 'right';
    ends.sort((a, b) => (vertical ? a.toward.y - b.toward.y : a.toward.x - b.toward.x));
    ends.forEach((end, index) => ports.set(end.id, portOf(end.box, end.side, (index + 1) / (ends.length + 1))));
  }
  return ports;
}

function portOf(box: StateBox, side: Side, fraction: number): Point {
  if (side === 'top') return { x: box.x + box.width * fraction, y: box.y };
  if (side === 'bottom') return { x: box.x + box.width * fraction, y: box.y + box.height };
  if (side === 'left') return { x: box.x, y: box.y + box.height * fraction };
  return { x: box.x + box.width, y: box.y + box.height * fraction };
}

function centerOf(box: StateBox): Point {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

function curveOf(draft: EdgeDraft, from: Point, to: Point): Curve {
  if (draft.kind === 'loop') {
    return { from, control1: { x: from.x, y: from.y - loopReach }, control2: { x: to.x + loopReach, y: to.y }, to };
  }
  if (draft.kind === 'arc') {
    const rise = arcRise + arcRisePerLayer * (Math.abs(draft.target.layer - draft.source.layer) - 1);
    const direction = draft.fromSide === 'top' ? -1 : 1;
    return { from, control1: { x: from.x, y: from.y + direction * rise }, control2: { x: to.x, y: to.y + direction * rise }, to };
  }
  return { from, control1: lerp(from, to, 1 / 3), control2: lerp(from, to, 2 / 3), to };
}

function noteOf(transition: ChartTransition): string {
  const target = transition.target ? ` → ${transition.target}` : '';
  const actions = transition.actions.length > 0 ? ` / ${transition.actions.join(', ')}` : '';
  return `in every state: ${labelOf(transition)}${target}${actions}`;
}

function initialArrowOf(chart: Chart, byKey: Map<string, StateBox>): ChartLayout['initialArrow'] {
  const box = chart.initial === undefined ? undefined : byKey.get(chart.initial);
  if (!box) return undefined;
  const y = box.y + box.height / 2;
  return { from: { x: box.x - 40, y }, to: { x: box.x, y } };
}

/** Estimates the size of a label block, one line per label, at the page's 11 px font. */
export function labelSize(labels: string[]): { width: number; height: number } {
  const longest = Math.max(...labels.map((label) => label.length));
  return { width: longest * labelCharWidth + 8, height: labels.length * labelLineHeight + 4 };
}

/**
 * Puts each label on its edge at the first of a few points where it covers no state, no other
 * label and no other edge. A label that fits nowhere takes the point where it covers least.
 */
function placeLabels(edges: Array<{ draft: EdgeDraft; curve: Curve }>, boxes: StateBox[]): Point[] {
  const occupied: Rect[] = boxes.map((box) => ({ x: box.x - 2, y: box.y - 2, width: box.width + 4, height: box.height + 4 }));
  const samples = edges.map((edge) => Array.from({ length: 51 }, (_, step) => pointOnCurve(edge.curve, step / 50)));
  const placed: Point[] = new Array(edges.length);
  const order = edges.map((edge, index) => ({ edge, index })).sort((a, b) => placementRank[a.edge.draft.kind] - placementRank[b.edge.draft.kind]);

  for (const { edge, index } of order) {
    const size = labelSize(edge.draft.labels);
    const rectAt = (point: Point): Rect => ({ x: point.x - size.width / 2, y: point.y - size.height / 2, ...size });
    const cost = (point: Point): number => {
      const rect = rectAt(point);
      const crossings = samples.filter((_, other) => other !== index).flat().filter((sample) => contains(rect, sample)).length;
      return occupied.filter((other) => overlaps(other, rect)).length * 100 + crossings;
    };
    const candidates = labelPositions.map((t) => pointOnCurve(edge.curve, t));
    const costs = candidates.map(cost);
    placed[index] = candidates[costs.indexOf(Math.min(...costs))];
    occupied.push(rectAt(placed[index]));
  }
  return placed;
}

