// Helpers for the store tests that run real PowerShell: whether it is there, the rule for when it
// is not (skip locally, fail under CI), test store names, and the fixture scripts in fixtures/.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultPowerShell } from '../../../adapters/windows-store/powershell-runner.ts';

/** The PowerShell the adapter runs by default here: powershell.exe on Windows, pwsh elsewhere. */
export const powershell = defaultPowerShell();

export function powershellAvailable(): boolean {
  const probe = spawnSync(powershell, ['-NoProfile', '-NonInteractive', '-Command', 'exit 0'], { stdio: 'ignore', timeout: 60_000 });
  return probe.status === 0;
}

/**
 * Returns the function to register PowerShell tests with: the suite itself when PowerShell runs,
 * otherwise `skip`. Under CI (the CI variable set) a missing PowerShell adds a failing test instead.
 */
export function whenPowerShellRuns(test: Test): Test | Test['skip'] {
  if (powershellAvailable()) return test;
  if (process.env.CI) {
    test(`${powershell} is installed (required when CI is set)`, () => {
      assert.unreachable(`${powershell} was not found; .ci/run installs PowerShell into .tools`);
    });
  } else {
    console.warn(`Skipping the PowerShell store tests: ${powershell} was not found.`);
  }
  return test.skip;
}

/** Returns a store name that no other test run uses. */
export function uniqueStoreName(): string {
  return `kvcert-test-${randomBytes(4).toString('hex')}`;
}

/** Runs fixtures/<name>.ps1 with `request` on stdin and returns the JSON it prints. */
export async function runFixture<T>(name: string, request: object): Promise<T> {
  const script = join(import.meta.dirname, 'fixtures', `${name}.ps1`);
  const result = await execa(powershell, ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', script], {
    input: JSON.stringify(request),
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`${name}.ps1 exited with ${result.exitCode}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split(/\r?\n/).at(-1) ?? '') as T;
}
