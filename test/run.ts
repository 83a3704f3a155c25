// Runs every test file in its own Node process with the network guard loaded, two at a
// time, and ends with one line of totals that CI reads: `N passed, N failed[, N skipped]`.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { delimiter, join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const concurrency = Number(process.env.KVCERT_TEST_JOBS ?? 2);
const filter = process.argv[2];
/** A test file still running after this long is killed and counted as failed. */
const fileTimeoutMs = Number(process.env.KVCERT_TEST_FILE_TIMEOUT_MS ?? 300_000);

interface FileResult { file: string; passed: number; failed: number; skipped: number; output: string }

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return findTests(path);
    return path.endsWith('.test.ts') ? [path] : [];
  }).sort();
}

function parseSummary(output: string): { total: number; passed: number; skipped: number } | undefined {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const total = /Total:\s+(\d+)/.exec(plain);
  const passed = /Passed:\s+(\d+)/.exec(plain);
  const skipped = /Skipped:\s+(\d+)/.exec(plain);
  if (!total || !passed) return undefined;
  return { total: Number(total[1]), passed: Number(passed[1]), skipped: Number(skipped?.[1] ?? 0) };
}

function runFile(file: string): Promise<FileResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', join(root, 'test/network-guard.ts'), file], {
      cwd: root,
      env: { ...process.env, PATH: `${join(root, '.tools')}${delimiter}${process.env.PATH}`, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const killer = setTimeout(() => {
      output += `\n(killed after ${fileTimeoutMs} ms)`;
      child.kill('SIGKILL');
    }, fileTimeoutMs);
    child.stdout.on('data', (chunk) => { output += chunk; });
    child.stderr.on('data', (chunk) => { output += chunk; });
    child.on('close', (code) => {
      clearTimeout(killer);
      const name = relative(root, file);
      const summary = parseSummary(output);
      if (!summary) {
        done({ file: name, passed: 0, failed: 1, skipped: 0, output: `${output}\n(no uvu summary; exit code ${code})` });
        return;
      }
      // uvu's Total leaves skipped tests out; a non-zero exit with all passed (e.g. the network guard) counts as one failure.
      const failed = summary.total - summary.passed + (code !== 0 && summary.total === summary.passed ? 1 : 0);
      done({ file: name, passed: summary.passed, failed, skipped: summary.skipped, output });
    });
  });
}

const files = findTests(join(root, 'test')).filter((file) => !filter || file.includes(filter));
const results: FileResult[] = [];
let next = 0;

async function worker(): Promise<void> {
  while (next < files.length) {
    const result = await runFile(files[next++]);
    results.push(result);
    const mark = result.failed > 0 ? 'FAIL' : 'ok  ';
    process.stdout.write(`${mark} ${result.file}: ${result.passed} passed, ${result.failed} failed\n`);
    if (result.failed > 0) process.stdout.write(`${result.output}\n`);
  }
}

await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));

const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
const skipped = results.reduce((sum, r) => sum + r.skipped, 0);
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 || files.length === 0 ? 1 : 0;
