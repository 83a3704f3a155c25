// Renewal latency: `kvcert run` observes every benchmark certificate. A new version is
// published, and `kvcert sync --now` sends the agent a poll request. The latency runs from
// the publication to the new certificate file in the folder store.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { access, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchVault, RequestCounts } from './bench-lab.ts';
import type { BenchSecret } from './bench-secrets.ts';
import { repoRoot } from './worker-process.ts';

export interface RenewalResult {
  certificates: number;
  initialSyncMs: number;
  /** Publication to the new file in the store, per renewal. */
  latencyMs: number[];
  /** How long `kvcert sync --now` itself ran, per renewal. */
  commandMs: number[];
  requests: RequestCounts[];
}

const guard = join(repoRoot, 'test', 'network-guard.ts');
const cli = join(repoRoot, 'actors', 'cli.ts');

/** Runs the agent over `secrets` (already published) and applies each of `renewals` in turn. */
export async function runRenewalBench(lab: BenchVault, secrets: BenchSecret[], renewals: BenchSecret[]): Promise<RenewalResult> {
  const work = await mkdtemp(join(tmpdir(), 'kvcert-bench-run-'));
  const paths = { settings: join(work, 'settings.json'), ca: join(work, 'ca.pem'), control: join(work, 'kvcert.sock'), store: join(work, 'store') };
  await writeFile(paths.ca, lab.vault.caPem);
  await writeFile(paths.settings, JSON.stringify({
    secretsManagementSettings: { observedCertificates: secrets.map((secret) => `${lab.vault.url}/secrets/${secret.name}`) },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));

  const started = performance.now();
  const agent = spawn(process.execPath, ['--import', guard, cli, 'run', '--settings', paths.settings, '--store', 'folder',
    '--store-root', paths.store, '--status-dir', join(work, 'status'), '--state-file', join(work, 'state.json'),
    '--control', paths.control, '--ca-file', paths.ca, '--log-level', 'warn'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const personal = join(paths.store, 'LocalMachine', 'My');
    await waitFor(() => allInstalled(personal, secrets), 240_000, 'the initial sync of kvcert run', 500);
    const result: RenewalResult = { certificates: secrets.length, initialSyncMs: performance.now() - started, latencyMs: [], commandMs: [], requests: [] };
    for (const renewal of renewals) await renewOnce(lab, renewal, paths, result);
    return result;
  } finally {
    await stopProcess(agent);
    await rm(work, { recursive: true, force: true });
  }
}

async function renewOnce(lab: BenchVault, renewal: BenchSecret, paths: { control: string; store: string }, result: RenewalResult): Promise<void> {
  const counter = lab.counter();
  const published = performance.now();
  lab.publish([renewal]);
  const exitCode = await runCommand(['sync', '--now', '--control', paths.control]);
  if (exitCode !== 0) throw new Error(`kvcert sync --now exited with ${exitCode}`);
  result.commandMs.push(performance.now() - published);

  const file = join(paths.store, 'LocalMachine', 'My', `${renewal.thumbprint}.pem`);
  await waitFor(() => access(file).then(() => true, () => false), 60_000, `the renewal of ${renewal.name}`, 5);
  result.latencyMs.push(performance.now() - published);
  // The poll goes on for the other certificates until their listing check ends it.
  await sleep(1_000);
  result.requests.push(counter.read());
}

/** Checks the store folder for every certificate's file, which the agent writes last. */
async function allInstalled(folder: string, secrets: BenchSecret[]): Promise<boolean> {
  const files = new Set(await readdir(folder).catch(() => [] as string[]));
  return secrets.every((secret) => files.has(`${secret.thumbprint}.pem`));
}

function runCommand(args: string[]): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', guard, cli, ...args], { cwd: repoRoot, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

async function waitFor(check: () => Promise<boolean>, timeLimitMs: number, what: string, intervalMs = 250): Promise<void> {
  const deadline = performance.now() + timeLimitMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeLimitMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** Sends SIGTERM, and SIGKILL when the agent has not stopped after 30 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(killer);
}
