// Draws a laid-out chart as inline SVG. States carry `data-state` and edges `data-source` and
// `data-target`, so the page script can mark the active state and the last transition.
import { escapeMarkup } from './markup.ts';
import { initialDotRadius, labelLineHeight, labelSize, noteLineHeight } from './statechart-layout.ts';
import type { Curve, Point } from './statechart-geometry.ts';
import type { ChartLayout, EdgeLayout, StateBox } from './statechart-layout.ts';

/** Returns the `<svg>` element for `layout`; it loads nothing and has no inline styles. */
export function renderChartSvg(layout: ChartLayout): string {
  const id = escapeMarkup(layout.chart.id);
  const marker = `arrow-${id}`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="statechart" data-machine="${id}" viewBox="0 0 ${round(layout.width)} ${round(layout.height)}" ` +
      `width="${round(layout.width)}" height="${round(layout.height)}" role="img" aria-label="${id} machine">`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto-start-reverse">` +
      '<path class="arrowhead" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ...layout.edges.map((edge) => edgeLine(edge, marker)),
    ...initialMarker(layout, marker),
    ...layout.boxes.map((box) => stateBox(box, layout)),
    ...layout.edges.map(edgeLabel),
    ...notes(layout),
    '</svg>',
  ];
  return parts.join('\n');
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function point(p: Point): string {
  return `${round(p.x)},${round(p.y)}`;
}

function pathOf(curve: Curve): string {
  return `M${point(curve.from)} C${point(curve.control1)} ${point(curve.control2)} ${point(curve.to)}`;
}

function edgeAttributes(edge: EdgeLayout): string {
  return `data-source="${escapeMarkup(edge.source)}" data-target="${escapeMarkup(edge.target)}"`;
}

function edgeLine(edge: EdgeLayout, marker: string): string {
  return `<g class="edge" ${edgeAttributes(edge)}><path class="edge-line" d="${pathOf(edge.curve)}" marker-end="url(#${marker})"/></g>`;
}

function edgeLabel(edge: EdgeLayout): string {
  const { width, height } = labelSize(edge.labels);
  const firstLine = edge.label.y - ((edge.labels.length - 1) * labelLineHeight) / 2;
  const lines = edge.labels.map((label, index) =>
    `<tspan x="${round(edge.label.x)}" y="${round(firstLine + index * labelLineHeight)}" dy="0.35em">${escapeMarkup(label)}</tspan>`);
  return `<g class="edge-label" ${edgeAttributes(edge)}>` +
    `<rect x="${round(edge.label.x - width / 2)}" y="${round(edge.label.y - height / 2)}" width="${round(width)}" height="${round(height)}" rx="3"/>` +
    `<text text-anchor="middle">${lines.join('')}</text></g>`;
}

function stateBox(box: StateBox, layout: ChartLayout): string {
  const state = layout.chart.states.find((item) => item.key === box.key);
  const key = escapeMarkup(box.key);
  const centerX = round(box.x + box.width / 2);
  const invokes = state?.invokes ?? [];
  const nameY = invokes.length > 0 ? box.y + box.height / 2 - 8 : box.y + box.height / 2;
  const parts = [
    `<g class="state${state?.final ? ' final' : ''}" data-state="${key}">`,
    `<rect class="state-box" x="${round(box.x)}" y="${round(box.y)}" width="${box.width}" height="${box.height}" rx="10"/>`,
    `<text class="state-name" x="${centerX}" y="${round(nameY)}" dy="0.35em" text-anchor="middle">${key}</text>`,
  ];
  if (invokes.length > 0) {
    parts.push(`<text class="state-invoke" x="${centerX}" y="${round(box.y + box.height / 2 + 10)}" dy="0.35em" text-anchor="middle">invoke ${escapeMarkup(invokes.join(', '))}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

function initialMarker(layout: ChartLayout, marker: string): string[] {
  const arrow = layout.initialArrow;
  if (!arrow) return [];
  return [
    `<circle class="initial-dot" cx="${round(arrow.from.x)}" cy="${round(arrow.from.y)}" r="${initialDotRadius}"/>`,
    `<path class="initial-arrow" d="M${point(arrow.from)} L${point(arrow.to)}" marker-end="url(#${marker})"/>`,
  ];
}

function notes(layout: ChartLayout): string[] {
  if (layout.notes.length === 0) return [];
  const left = Math.min(...layout.boxes.map((box) => box.x));
  const lines = layout.notes.map((note, index) =>
    `<text class="machine-note" x="${round(left)}" y="${round(layout.notesTop + index * noteLineHeight)}" dy="0.35em">${escapeMarkup(note)}</text>`);
  return lines;
}

