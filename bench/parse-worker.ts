// Benchmark worker: time to parse each PFX with kvcert's parser and with Node's own
// PKCS#12 reader (tls.createSecureContext({ pfx }), OpenSSL in C), alternating in rounds so
// that both see the same machine load.
import { createSecureContext } from 'node:tls';
import { parseSecretValue } from '../adapters/bundle/parse-secret.ts';
import { cpuMsSince, receiveJob, reportPhase } from './worker-process.ts';

export interface ParseJob {
  cases: Array<{ id: string; value: string }>;
  rounds: number;
  parsesPerRound: number;
}

const job = await receiveJob<ParseJob>();
for (const entry of job.cases) {
  await reportPhase({ phase: 'parse', id: entry.id, ...measure(entry.value) });
}
process.exit(0);

function measure(value: string): { kvcertMs: number[]; opensslMs: number[]; opensslError?: string } {
  const pfx = Buffer.from(value, 'base64');
  const opensslError = tryOpenssl(pfx);
  const kvcertMs: number[] = [];
  const opensslMs: number[] = [];

  parseSecretValue(value, 'application/x-pkcs12', 'https://bench.vault.azure.net/secrets/warm-up');
  for (let round = 0; round < job.rounds; round += 1) {
    kvcertMs.push(timePerCall(() => parseSecretValue(value, 'application/x-pkcs12', 'https://bench.vault.azure.net/secrets/parse')));
    if (!opensslError) opensslMs.push(timePerCall(() => createSecureContext({ pfx })));
  }
  return opensslError ? { kvcertMs, opensslMs, opensslError } : { kvcertMs, opensslMs };
}

/** Milliseconds of CPU per call, over `parsesPerRound` calls. */
function timePerCall(call: () => unknown): number {
  const start = process.cpuUsage();
  for (let index = 0; index < job.parsesPerRound; index += 1) call();
  return cpuMsSince(start) / job.parsesPerRound;
}

function tryOpenssl(pfx: Buffer): string | undefined {
  try {
    createSecureContext({ pfx });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
