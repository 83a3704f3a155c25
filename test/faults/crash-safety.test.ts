import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FolderCertificateStore } from '../../adapters/folder-store/folder-store.ts';
import { startLab } from '../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../emulators/lab.ts';
import { pkcs12WithIntermediate } from '../../emulators/sample-certificates.ts';
import type { SampleSecret } from '../../emulators/sample-certificates.ts';
import { repoRoot } from '../e2e/cli-runner.ts';
import { agentFlags, createAgentFiles, removeAgentFiles } from './agent-process.ts';
import type { AgentFiles } from './agent-process.ts';
import { recordMeasurement } from './measurements.ts';
import { holdsPair, inspectStoreFolder } from './store-check.ts';
import type { StoreInspection } from './store-check.ts';

const crashSafety = suite('agent killed during installs');

/** Number of kills to reach. Each is followed by a run to completion. */
const killCount = 50;
/** A run whose kill comes after it finished counts as no kill, so a few more runs may be needed. */
const maxRuns = killCount + 10;
/** Seed of the kill delays. Set KVCERT_CRASH_SEED to replay another sequence. */
const seed = Number(process.env.KVCERT_CRASH_SEED ?? 20_261_204);
/**
 * A kill comes at most this long after the agent logs `installing`. Writing the key and the
 * certificate took about 10 ms on the 2-core test machine, and the state file follows. So the
 * kills spread over the install and the bookkeeping after it.
 */
const killWindowMs = 30;

let lab: Lab;
let files: AgentFiles;

crashSafety.before(async () => {
  lab = await startLab();
  const first = await lab.publish('web', 'pkcs12-intermediate');
  files = await createAgentFiles([first.url], lab.tokens.endpoint, lab.vault.caPem);
  // Node's compile cache makes each child start in about half the time, so more runs fit.
  await mkdir(join(files.work, 'compile-cache'));
});

crashSafety.after(async () => {
  await lab.close();
  await removeAgentFiles(files);
});

/** mulberry32: a small seeded generator, so that a failing sequence of delays can be replayed. */
function seededRandom(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface SyncRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  log: string;
  /** Whether the log showed the install starting, and finishing, before the process ended. */
  installStarted: boolean;
  installFinished: boolean;
}

/** Runs `kvcert sync`; with `killAfterInstallingMs`, sends SIGKILL that long after the agent logs `installing`. */
function runSync(killAfterInstallingMs?: number): Promise<SyncRun> {
  const child = spawn(process.execPath,
    ['--import', join(repoRoot, 'test/network-guard.ts'), join(repoRoot, 'actors/cli.ts'), 'sync', ...agentFlags(files), '--log-level', 'debug'],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_COMPILE_CACHE: join(files.work, 'compile-cache') } });
  let log = '';
  let killTimer: NodeJS.Timeout | undefined;
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);

  child.stderr!.on('data', (chunk) => {
    log += chunk;
    if (killAfterInstallingMs !== undefined && log.includes('"state":"installing"')) {
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), killAfterInstallingMs);
    }
  });
  return new Promise((resolve) => child.on('close', (code, signal) => {
    clearTimeout(killTimer);
    clearTimeout(guard);
    resolve({
      code, signal, log,
      installStarted: log.includes('"state":"installing"'),
      installFinished: log.includes('"event":"certificate.installed"'),
    });
  }));
}

function publish(sample: SampleSecret): PublishedVersion {
  const { version } = lab.vault.setSecret('web', { value: sample.value, contentType: sample.contentType });
  return { url: lab.urlOf('web'), version, thumbprint: sample.thumbprint };
}

async function inspectStore(): Promise<StoreInspection> {
  return inspectStoreFolder(join(files.store, 'LocalMachine', 'My'));
}

async function stateVersion(): Promise<string | undefined> {
  const state = JSON.parse(await readFile(files.state, 'utf8')) as { certificates: Record<string, { version: string }> };
  return state.certificates[lab.urlOf('web')]?.version;
}

/**
 * Checks what a kill may leave: whole files only, every version installed before intact
 * (no retention is set, so all of them stay), and a state file that names a whole version.
 */
async function assertSurvivable(installedBefore: PublishedVersion[], renewal: PublishedVersion, run: SyncRun, index: number): Promise<StoreInspection> {
  const where = `run ${index} (seed ${seed}, ${run.signal ?? `exit ${run.code}`})`;
  const previous = installedBefore.at(-1)!;
  const store = await inspectStore();
  assert.equal(store.problems, [], where);
  for (const version of installedBefore) {
    assert.ok(holdsPair(store, version.thumbprint), `${where}: the earlier version ${version.thumbprint} is not whole`);
  }

  const listed = await new FolderCertificateStore(files.store).list({ location: 'LocalMachine', name: 'My' });
  assert.equal(listed.map((item) => item.thumbprint).sort(), [...store.certificates.keys()].sort(), `${where}: the store lists other files`);

  const version = await stateVersion();
  assert.ok(version === previous.version || version === renewal.version, `${where}: the state file names ${version}`);
  if (version === renewal.version) assert.ok(holdsPair(store, renewal.thumbprint), `${where}: the state names a renewal that is not whole`);
  return store;
}

crashSafety('SIGKILL during installs leaves whole files', async () => {
  const random = seededRandom(seed);
  const first = await runSync();
  assert.is(first.code, 0, first.log);
  const installed: PublishedVersion[] = [{ url: lab.urlOf('web'), version: (await stateVersion())!, thumbprint: [...(await inspectStore()).certificates.keys()][0] }];
  const outcome = { killedDuringInstall: 0, killedAfterInstall: 0, finishedFirst: 0, renewalKeyWithoutCertificate: 0 };
  const started = Date.now();

  // Each renewal is made while the previous runs go on, to save time, and published only when its turn comes.
  let nextSample = pkcs12WithIntermediate('web.kvcert.test');
  let index = 0;
  while (index - outcome.finishedFirst < killCount && index < maxRuns) {
    index += 1;
    const renewal = publish(await nextSample);
    nextSample = pkcs12WithIntermediate('web.kvcert.test');
    const killed = await runSync(Math.floor(random() * killWindowMs));

    const store = await assertSurvivable(installed, renewal, killed, index);
    assert.ok(killed.installStarted, `run ${index} ended before its install:\n${killed.log}`);
    if (killed.signal !== 'SIGKILL') outcome.finishedFirst += 1;
    else if (!killed.installFinished) outcome.killedDuringInstall += 1;
    else outcome.killedAfterInstall += 1;
    if (store.keys.has(renewal.thumbprint) && !store.certificates.has(renewal.thumbprint)) outcome.renewalKeyWithoutCertificate += 1;

    const completed = await runSync();
    assert.is(completed.code, 0, `run after kill ${index} (seed ${seed}):\n${completed.log}`);
    assert.is(await stateVersion(), renewal.version, `run after kill ${index} did not converge`);
    const converged = await inspectStore();
    assert.ok(holdsPair(converged, renewal.thumbprint), `run after kill ${index}: the renewal is not whole`);
    assert.equal(converged.problems, []);
    installed.push(renewal);
  }

  const leftovers = (await inspectStore()).temporaryFiles.length;
  const killed = index - outcome.finishedFirst;
  await recordMeasurement('crash-safety', { seed, runs: index, killed, ...outcome, temporaryFilesLeft: leftovers, durationMs: Date.now() - started });
  assert.ok(killed >= killCount, `only ${killed} of ${index} runs were killed`);
  assert.ok(outcome.killedDuringInstall >= killCount / 4, `only ${outcome.killedDuringInstall} kills landed during an install`);
});

crashSafety.run();
