// Everything one `npm run bench` measured, as the report renders it.
import type { FleetResult } from './fleet-bench.ts';
import type { MachineInfo } from './machine-info.ts';
import type { ParseResult } from './parse-bench.ts';
import type { RenewalResult } from './renewal-bench.ts';
import type { SyncRun } from './sync-bench.ts';

export interface BenchResults {
  machine: MachineInfo;
  command: string;
  startedAt: Date;
  durationS: number;
  /** os.loadavg()[0] when the benchmark started and ended: other work on the machine. */
  loadAverage: { start: number; end: number };
  certificates: number;
  sync: SyncRun[];
  /** Idle memory of an agent with one certificate, for the per-certificate estimate. */
  smallAgentIdle?: { rssBytes: number; heapUsedBytes: number };
  parse: ParseResult[];
  renewal?: RenewalResult;
  fleet: FleetResult[];
  /** Steps left out, with the reason, e.g. the time budget ran out. */
  skipped: string[];
}
