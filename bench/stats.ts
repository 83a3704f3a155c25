// Summaries of repeated measurements: the median and the range, so a report shows how much
// the runs spread on a busy machine.

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new RangeError('summarize needs at least one value');
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted.at(-1)!, runs: values.length };
}

/** Formats a summary as `median (min–max)` with `digits` decimals and a unit, or as the value alone when the runs agree. */
export function formatSummary(summary: Summary, digits: number, unit = ''): string {
  const show = (value: number) => `${value.toFixed(digits)}${unit}`;
  if (show(summary.min) === show(summary.max)) return show(summary.median);
  return `${show(summary.median)} (${show(summary.min)}–${show(summary.max)})`;
}
