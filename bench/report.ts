// Renders the benchmark results as docs/benchmarks.md: the machine, then one section per
// measurement with its target, the medians and ranges, and why a missed target was missed.
import type { BenchResults } from './bench-results.ts';
import { renderFleet, renderIdleMemory, renderParse, renderRenewal, renderSteady, renderSync } from './report-sections.ts';

export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const header = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run-bench.ts), and every run replaces this page. All traffic goes to the',
    'loopback emulators (emulators/), in a separate process from the code measured. Medians are followed by',
    'the range over the runs in parentheses. Ratios compare runs made side by side in the same benchmark run.',
    '',
    `- Machine: ${machine.cores} cores (\`nproc\`), ${machine.memoryGiB} GiB memory, ${machine.cpuModel}, Node ${machine.nodeVersion}`,
    `- Command: \`${results.command}\``,
    `- Date: ${results.startedAt.toISOString()}, took ${Math.round(results.durationS)} s`,
    `- Load average (1 min) at start and end: ${results.loadAverage.start.toFixed(1)} and ${results.loadAverage.end.toFixed(1)}. ` +
      'Above the core count, other processes competed for the CPU and every time below is longer than on an idle machine.',
    '',
  ];
  const skipped = results.skipped.length === 0 ? [] : ['## Left out', '', ...results.skipped.map((item) => `- ${item}`), ''];
  return [
    ...header,
    ...renderSync(results),
    ...renderSteady(results),
    ...renderParse(results),
    ...renderIdleMemory(results),
    ...renderRenewal(results),
    ...renderFleet(results),
    ...skipped,
  ].join('\n');
}
