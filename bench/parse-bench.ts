// PKCS#12 parsing: the corpus PFX files and one benchmark PFX, each timed with kvcert's
// parser and with tls.createSecureContext({ pfx }) in a worker process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParseJob } from './parse-worker.ts';
import { repoRoot, runWorker } from './worker-process.ts';

/** The shared certificate corpus, checked out beside the repository. */
export const corpusDir = join(repoRoot, '..', 'shared', 'corpus');

export interface ParseCase {
  id: string;
  value: string;
  /** Description of the PFX for the report. */
  description: string;
}

export interface ParseResult {
  id: string;
  description: string;
  kvcertMs: number[];
  opensslMs: number[];
  opensslError?: string;
}

/** Returns the PFX cases of the corpus that kvcert installs. */
export function corpusPfxCases(): ParseCase[] {
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as {
    cases: Array<{ id: string; file: string; expected: string; detectedFormat?: string; description: string }>;
  };
  return manifest.cases
    .filter((entry) => entry.expected === 'ok' && entry.detectedFormat === 'pkcs12')
    .map((entry) => ({ id: entry.id, value: readFileSync(join(corpusDir, entry.file), 'utf8').trim(), description: entry.description }));
}

/** Times each case in a worker: `rounds` alternating rounds of `parsesPerRound` parses. */
export async function runParseBench(cases: ParseCase[], rounds: number, parsesPerRound: number): Promise<ParseResult[]> {
  const job: ParseJob = { cases: cases.map(({ id, value }) => ({ id, value })), rounds, parsesPerRound };
  const results: ParseResult[] = [];
  await runWorker('parse-worker.ts', job, (report) => {
    const found = cases.find((entry) => entry.id === report.id)!;
    results.push({
      id: found.id,
      description: found.description,
      kvcertMs: report.kvcertMs as number[],
      opensslMs: report.opensslMs as number[],
      opensslError: report.opensslError as string | undefined,
    });
  }, 180_000);
  return results;
}
