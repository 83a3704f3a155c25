// Keeps the numbers a test measured in test-output/<name>.json (ignored by git), because the
// test runner prints a passing file's output nowhere.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../e2e/cli-runner.ts';

/** Prints `data` as one JSON line and writes it to `test-output/<name>.json`. */
export async function recordMeasurement(name: string, data: Record<string, unknown>): Promise<void> {
  const text = JSON.stringify(data);
  console.log(text);
  const folder = join(repoRoot, 'test-output');
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, `${name}.json`), `${text}\n`);
}
