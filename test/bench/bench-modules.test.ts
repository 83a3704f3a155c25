// A quick check that the benchmark modules load and their pure parts work. `npm run bench`
// itself is too slow for the test run.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createSecureContext } from 'node:tls';
import { parseSecretValue } from '../../adapters/bundle/parse-secret.ts';
import type { BenchResults } from '../../bench/bench-results.ts';
import { BenchSecretMaker } from '../../bench/bench-secrets.ts';
import { corpusPfxCases } from '../../bench/parse-bench.ts';
import { renderReport } from '../../bench/report.ts';
import { formatSummary, summarize } from '../../bench/stats.ts';
import { runSyncPair } from '../../bench/sync-bench.ts';
import { runFleet } from '../../bench/fleet-bench.ts';
import { runRenewalBench } from '../../bench/renewal-bench.ts';

const bench = suite('benchmark modules');

bench('orchestration steps load', () => {
  for (const step of [runSyncPair, runFleet, runRenewalBench]) assert.type(step, 'function');
});

bench('benchmark PFX reads in OpenSSL and kvcert', async () => {
  const maker = await BenchSecretMaker.create(1);

  const secret = await maker.make('smoke');

  const pfx = Buffer.from(secret.value, 'base64');
  assert.not.throws(() => createSecureContext({ pfx }));
  const bundle = parseSecretValue(secret.value, secret.contentType, 'https://bench.vault.azure.net/secrets/smoke');
  assert.is(bundle.leaf.thumbprint, secret.thumbprint);
  assert.is(bundle.intermediates.length, 1);
});

bench('median and range', () => {
  assert.equal(summarize([3, 1, 2]), { median: 2, min: 1, max: 3, runs: 3 });
  assert.is(summarize([4, 1, 2, 3]).median, 2.5);
  assert.is(formatSummary(summarize([1.5, 1, 2]), 1, ' s'), '1.5 s (1.0 s–2.0 s)');
  assert.is(formatSummary(summarize([7, 7]), 0), '7');
});

bench('corpus PFX cases are found', () => {
  const cases = corpusPfxCases();

  assert.ok(cases.some((entry) => entry.id === 'pfx-rsa2048-openssl3-default'));
  assert.ok(cases.every((entry) => entry.value.length > 0));
});

function sampleResults(): BenchResults {
  const counts = { all: 4, authenticated: 4, listing: 4, throttled: 0 };
  const initial = { phase: 'initial', wallMs: 1_000, cpuMs: 900, parseCpuMs: 200, maxRssKb: 200_000, installed: 100, writes: 100 };
  return {
    machine: { cores: 2, memoryGiB: 24, cpuModel: 'Test CPU', nodeVersion: 'v24.9.0' },
    command: 'npm run bench', startedAt: new Date('2026-01-01T00:00:00Z'), durationS: 60, loadAverage: { start: 1, end: 1 },
    certificates: 100,
    sync: [{
      agent: {
        initial, initialRequests: { ...counts, all: 101, listing: 0 },
        steady: { phase: 'steady', wallMs: 40, cpuMs: 30, writes: 0 }, steadyRequests: counts,
        idle: { phase: 'idle', rssBytes: 150 * 2 ** 20, heapUsedBytes: 22 * 2 ** 20 },
        parts: { phase: 'parts', stopMs: 900, getCpuMs: 1.5, installCpuMs: 3, installWallMs: 12 },
      },
      baseline: { initial: { ...initial, wallMs: 10_000 }, initialRequests: { ...counts, all: 101, listing: 0 } },
    }],
    smallAgentIdle: { rssBytes: 130 * 2 ** 20, heapUsedBytes: 20 * 2 ** 20 },
    parse: [{ id: 'case', description: 'test', kvcertMs: [2], opensslMs: [1] }],
    fleet: [],
    skipped: ['fleet: not run in this check'],
  };
}

bench('report states each target', () => {
  const page = renderReport(sampleResults());

  assert.match(page, '# Benchmarks');
  assert.match(page, '**Target met:** 10.0× (target at least 8×).');
  assert.match(page, '**Target met:** 0.040 requests and 0 writes per certificate');
  assert.match(page, '**Target met:** at most 2.00× (target at most 3× on every file OpenSSL reads).');
  assert.match(page, '- fleet: not run in this check');
});

bench('report explains a missed target', () => {
  const results = sampleResults();
  results.sync[0].baseline.initial.wallMs = 2_000;

  const page = renderReport(results);

  assert.match(page, '**Target missed:** 2.0× against at least 8×, short by a factor of 4.0.');
  assert.match(page, 'Why: the agent is bound by CPU');
  assert.match(page, 'Of its CPU per certificate, parsing takes 2.0 ms.');
  assert.match(page, 'An install into the folder store costs 3.0 ms of CPU and 12.0 ms of wall time');
});

bench.run();
