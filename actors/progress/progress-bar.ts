// A one-line progress bar for terminals, redrawn in place with a carriage return.

/** Moves to the start of the line and erases it (ANSI "erase in line"). */
export const clearBar = '\r\u001b[2K';

const minBarWidth = 10;
const maxBarWidth = 40;

/** Returns the bar for `done` of `total` certificates in fewer than `columns` characters, so that the terminal does not wrap it; no newline. */
export function renderBar(done: number, total: number, columns = 80): string {
  const label = ` ${done}/${total} certificates synced`;
  const width = Math.max(minBarWidth, Math.min(maxBarWidth, columns - label.length - 3));
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  return `${clearBar}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${label}`;
}
