// The machine a benchmark ran on, for the report: core count, memory and CPU model.
import { availableParallelism, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface MachineInfo {
  /** CPUs this process may use, the number `nproc` prints. */
  cores: number;
  memoryGiB: number;
  cpuModel: string;
  nodeVersion: string;
}

/** Reads the CPU model from /proc/cpuinfo. Systems without that file report it as unknown. */
export function describeMachine(): MachineInfo {
  return {
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    cpuModel: cpuModel(),
    nodeVersion: process.version,
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((entry) => entry.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
