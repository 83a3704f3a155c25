// Command-line flags shared by the commands that run the agent.
import { parseArgs } from 'node:util';
import type { LogLevel } from './logger.ts';
import type { StoreKind } from './store-choice.ts';
import { defaultStateFile, defaultStatusDir, defaultStoreRoot } from './defaults.ts';
import { defaultControlPath } from './control/control-socket.ts';
import { defaultInspectorPort, normalizeInspectArgs, parseInspectTarget } from './inspector/inspect-flag.ts';
import type { InspectTarget } from './inspector/inspect-flag.ts';
import { defaultMetricsPort, normalizeMetricsArgs, parseMetricsPort } from './metrics/metrics-flag.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface AgentFlags {
  settings: string;
  store?: StoreKind;
  storeRoot: string;
  statusDir: string;
  caFile?: string;
  logLevel: LogLevel;
  stateFile: string;
  /** Settings sequence number: the status file is `<statusDir>/<sequence>.status`. */
  sequence: number;
  heartbeatFile?: string;
  control: string;
  pidFile?: string;
  /** `sync --now`: ask the running agent to poll instead of running a pass here. */
  now: boolean;
  /** `--inspect [PORT]`: port of the live inspector page. With `stately`, the Stately bridge page is served too. */
  inspect?: InspectTarget;
  /** `run --metrics [PORT]`: serve Prometheus metrics on 127.0.0.1:PORT; unset serves none. */
  metrics?: number;
}

export const agentFlagHelp = `  --settings FILE      settings JSON (public settings, handler settings file or ARM resource)
  --store KIND         windows or folder (default: windows on Windows, folder elsewhere)
  --store-root DIR     folder store root (default: ${defaultStoreRoot()})
  --status-dir DIR     where <seq>.status is written (default: ${defaultStatusDir()})
  --ca-file FILE       extra CA certificate (PEM) to trust for Key Vault, e.g. the emulator's
  --log-level LEVEL    debug, info, warn or error (default: info)
  --state-file FILE    installed versions per URL, read at start (default: ${defaultStateFile()})
  --sequence N         settings sequence number; names the status file N.status (default: 0)
  --heartbeat-file FILE  handler heartbeat file, rewritten every minute (default: none)
  --control PATH       local socket of a running agent for 'sync --now' (default: ${defaultControlPath()})
  --pid-file FILE      file that holds the agent's process id while it runs (default: none)
  --inspect [PORT]     serve a live view of the machines on http://127.0.0.1:PORT (default port: ${defaultInspectorPort};
                       0 picks a free one and prints it). --inspect=stately[:PORT] also serves /stately, a page
                       that loads Stately's web inspector from stately.ai and passes it reduced snapshots
  --metrics [PORT]     run only: serve Prometheus metrics on http://127.0.0.1:PORT/metrics
                       (default port: ${defaultMetricsPort}; 0 picks a free one)`;

const logLevels = ['debug', 'info', 'warn', 'error'];

/** Parses the agent flags; throws UsageError naming the flag and the fix. */
export function parseAgentFlags(args: string[]): AgentFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: normalizeMetricsArgs(normalizeInspectArgs(args)),
      options: {
        settings: { type: 'string' },
        store: { type: 'string' },
        'store-root': { type: 'string' },
        'status-dir': { type: 'string' },
        'ca-file': { type: 'string' },
        'log-level': { type: 'string' },
        'state-file': { type: 'string' },
        sequence: { type: 'string' },
        'heartbeat-file': { type: 'string' },
        control: { type: 'string' },
        'pid-file': { type: 'string' },
        now: { type: 'boolean' },
        inspect: { type: 'string' },
        metrics: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  if (!values.settings && !values.now) throw new UsageError('--settings FILE is required');
  const sequence = Number(values.sequence ?? '0');
  if (!Number.isInteger(sequence) || sequence < 0) throw new UsageError(`--sequence must be a whole number, not '${values.sequence}'`);
  if (values.store !== undefined && values.store !== 'windows' && values.store !== 'folder') {
    throw new UsageError(`--store must be 'windows' or 'folder', not '${values.store}'`);
  }
  const logLevel = values['log-level'] ?? 'info';
  if (!logLevels.includes(logLevel)) throw new UsageError(`--log-level must be one of ${logLevels.join(', ')}, not '${logLevel}'`);
  const inspect = values.inspect === undefined ? undefined : parseInspectTarget(values.inspect);
  if (values.inspect !== undefined && !inspect) throw new UsageError(`--inspect takes a port from 0 to 65535, 'stately' or 'stately:PORT', not '${values.inspect}'`);
  const metrics = values.metrics === undefined ? undefined : parseMetricsPort(values.metrics);
  if (values.metrics !== undefined && metrics === undefined) throw new UsageError(`--metrics takes a port from 0 to 65535, not '${values.metrics}'`);
  return {
    settings: values.settings ?? '',
    store: values.store as StoreKind | undefined,
    storeRoot: values['store-root'] ?? defaultStoreRoot(),
    statusDir: values['status-dir'] ?? defaultStatusDir(),
    caFile: values['ca-file'],
    logLevel: logLevel as LogLevel,
    stateFile: values['state-file'] ?? defaultStateFile(),
    sequence,
    heartbeatFile: values['heartbeat-file'],
    control: values.control ?? defaultControlPath(),
    pidFile: values['pid-file'],
    now: values.now ?? false,
    inspect,
    metrics,
  };
}
