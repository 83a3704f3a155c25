// `kvcert status`: requests the status from the running agent over its control socket, or
// reads the status and state files when no agent responds. Exit code 0 when a status was
// read, whatever its value.
import { parseArgs } from 'node:util';
import { UsageError } from '../cli-options.ts';
import { AgentNotRunningError, sendControlRequest } from '../control/control-client.ts';
import { defaultControlPath } from '../control/control-socket.ts';
import { defaultStateFile, defaultStatusDir } from '../defaults.ts';
import { StateFileError } from '../state/state-file.ts';
import { readFileStatus, StatusUnavailableError } from './file-status.ts';
import type { StatusFilePaths } from './file-status.ts';
import type { StatusDocument } from './status-document.ts';
import { renderStatus } from './status-render.ts';

export const statusHelp = `  kvcert status [--json] [--control PATH] [--status-dir DIR] [--state-file FILE] [--sequence N]
                                          show each certificate: state, version, expiry, next poll, last error`;

interface StatusFlags extends StatusFilePaths {
  json: boolean;
  control: string;
}

/** Time to wait for a running agent before reading the files instead. */
const controlTimeoutMs = 5_000;

function parseStatusFlags(args: string[]): StatusFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        json: { type: 'boolean' },
        control: { type: 'string' },
        'status-dir': { type: 'string' },
        'state-file': { type: 'string' },
        sequence: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const sequence = values.sequence === undefined ? undefined : Number(values.sequence);
  if (sequence !== undefined && (!Number.isInteger(sequence) || sequence < 0)) {
    throw new UsageError(`--sequence must be a whole number, not '${values.sequence}'`);
  }
  return {
    json: values.json ?? false,
    control: values.control ?? defaultControlPath(),
    statusDir: values['status-dir'] ?? defaultStatusDir(),
    stateFile: values['state-file'] ?? defaultStateFile(),
    sequence,
  };
}

/** Returns the running agent's status document, or the reason it could not be read. */
async function askAgent(control: string): Promise<StatusDocument | string> {
  try {
    const response = await sendControlRequest(control, { command: 'status' }, controlTimeoutMs);
    if (response.ok && response.status) return response.status as StatusDocument;
    return `the agent at ${control} sent no status document (${response.message})`;
  } catch (error) {
    if (error instanceof AgentNotRunningError) return `no agent is running at ${control}`;
    return `the agent at ${control} did not respond: ${(error as Error).message}`;
  }
}

async function readFilesOrExplain(flags: StatusFlags, why: string): Promise<StatusDocument | undefined> {
  try {
    return await readFileStatus(flags, why);
  } catch (error) {
    if (!(error instanceof StatusUnavailableError || error instanceof StateFileError)) throw error;
    process.stderr.write(`kvcert status: ${error.message}\n`);
    return undefined;
  }
}

export async function runStatus(args: string[]): Promise<number> {
  const flags = parseStatusFlags(args);
  const answer = await askAgent(flags.control);
  const document = typeof answer === 'string' ? await readFilesOrExplain(flags, answer) : answer;
  if (!document) return 1;

  process.stdout.write(flags.json ? `${JSON.stringify(document, null, 2)}\n` : `${renderStatus(document)}\n`);
  return 0;
}
