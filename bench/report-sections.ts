// The sections of docs/benchmarks.md, one function each.
import type { BenchResults } from './bench-results.ts';
import { formatSummary, summarize } from './stats.ts';

const mib = (bytes: number) => bytes / 2 ** 20;
const show = (values: number[], digits: number, unit = '') => formatSummary(summarize(values), digits, unit);
const median = (values: number[]) => summarize(values).median;
const metric = (report: Record<string, unknown>, name: string) => report[name] as number;

function verdict(met: boolean, target: string, measured: string, shortfall: string): string {
  return met ? `**Target met:** ${measured} (target ${target}).` : `**Target missed:** ${measured} against ${target}, ${shortfall}.`;
}

export function renderSync(results: BenchResults): string[] {
  const runs = results.sync;
  if (runs.length === 0) return [];
  const count = results.certificates;
  const agent = runs.map((run) => run.agent);
  const script = runs.map((run) => run.baseline);
  const ratios = runs.map((run) => metric(run.baseline.initial, 'wallMs') / metric(run.agent.initial, 'wallMs'));
  const agentCpu = median(agent.map((run) => metric(run.initial, 'cpuMs') / count));
  const scriptCpu = median(script.map((run) => metric(run.initial, 'cpuMs') / count));
  const ratio = median(ratios);

  return [
    `## Initial sync of ${count} certificates`,
    '',
    'Each certificate is a PFX as Windows exports it (3DES key bag, certificates unencrypted, SHA-1 MAC, 2,000',
    'iterations, RSA 2048 key, one intermediate CA), all in one emulated vault. kvcert runs its agent',
    '(bench/agent-worker.ts: the parts `createAgent` uses, the folder store and default settings, 8 at a time). The script',
    '(bench/baseline-worker.ts) is what a user would write with the same SDK and node-forge: for each URL in turn,',
    'getSecret, forge\'s PKCS#12 parser, two PEM files.',
    '',
    '| | kvcert agent | sequential script |',
    '| --- | --- | --- |',
    `| Wall time | ${show(agent.map((run) => metric(run.initial, 'wallMs') / 1000), 1, ' s')} | ${show(script.map((run) => metric(run.initial, 'wallMs') / 1000), 1, ' s')} |`,
    `| CPU time per certificate | ${show(agent.map((run) => metric(run.initial, 'cpuMs') / count), 1, ' ms')} | ${show(script.map((run) => metric(run.initial, 'cpuMs') / count), 1, ' ms')} |`,
    `| of which kvcert's PFX parser | ${show(agent.map((run) => metric(run.initial, 'parseCpuMs') / count), 1, ' ms')} | |`,
    `| Peak RSS | ${show(agent.map((run) => metric(run.initial, 'maxRssKb') / 1024), 0, ' MiB')} | ${show(script.map((run) => metric(run.initial, 'maxRssKb') / 1024), 0, ' MiB')} |`,
    `| Requests to the vault | ${show(agent.map((run) => run.initialRequests.all), 0)} | ${show(script.map((run) => run.initialRequests.all), 0)} |`,
    `| of which with a token | ${show(agent.map((run) => run.initialRequests.authenticated), 0)} | ${show(script.map((run) => run.initialRequests.authenticated), 0)} |`,
    `| Certificates installed | ${show(agent.map((run) => metric(run.initial, 'installed')), 0)} | ${show(script.map((run) => metric(run.initial, 'installed')), 0)} |`,
    '',
    `Speed-up, script time over agent time per pair of runs: ${show(ratios, 1, '×')}.`,
    '',
    verdict(ratio >= 8, 'at least 8×', `${ratio.toFixed(1)}×`, `short by a factor of ${(8 / ratio).toFixed(1)}`),
    ...(ratio >= 8 ? [] : syncShortfall(results, agentCpu, scriptCpu, median(agent.map((run) => metric(run.initial, 'parseCpuMs') / count)))),
    '',
  ];
}

function syncShortfall(results: BenchResults, agentCpuMs: number, scriptCpuMs: number, parseCpuMs: number): string[] {
  const parts = results.sync.map((run) => run.agent.parts);
  return [
    '',
    `Why: the agent is bound by CPU, not by waiting. It spends ${agentCpuMs.toFixed(1)} ms of CPU per certificate against the`,
    `script's ${scriptCpuMs.toFixed(1)} ms, so however well it overlaps network waits on ${results.machine.cores} cores that the emulator shares,`,
    `it cannot run much more than ${(scriptCpuMs / agentCpuMs).toFixed(1)}× faster. Of its CPU per certificate, parsing takes ${parseCpuMs.toFixed(1)} ms.`,
    `Timed on their own in the same worker after the sync, a GET through the SDK costs ${partMedian(parts, 'getCpuMs')} ms of CPU (medians`,
    `here). An install into the folder store costs ${partMedian(parts, 'installCpuMs')} ms of CPU and ${partMedian(parts, 'installWallMs')} ms of wall time, because the store`,
    'writes a temporary file, calls fsync and renames it for each file, then calls fsync on the folder. The script',
    'writes without fsync. Parsing on worker threads would let the agent use more cores, which this machine does',
    'not have to spare.',
  ];
}

function partMedian(parts: Array<Record<string, unknown>>, name: string): string {
  return median(parts.map((part) => metric(part, name))).toFixed(1);
}

export function renderSteady(results: BenchResults): string[] {
  const runs = results.sync.map((run) => run.agent);
  if (runs.length === 0) return [];
  const count = results.certificates;
  const requestsPerCertificate = runs.map((run) => run.steadyRequests.all / count);
  const writes = runs.map((run) => metric(run.steady, 'writes'));
  const met = median(requestsPerCertificate) <= 0.1 && Math.max(...writes) === 0;

  return [
    `## Steady-state poll of the same ${count} unchanged certificates`,
    '',
    'Right after the initial sync, the agent polls every certificate once more (`pollNow`). It lists the vault',
    '(GET /secrets, 25 secrets per page) and sends a GET only for secrets whose update time differs from what',
    'its last GET saw, or which changed too recently to tell (see actors/vault-poll/listing-decision.ts).',
    '',
    '| | per poll | per certificate |',
    '| --- | --- | --- |',
    `| Requests | ${show(runs.map((run) => run.steadyRequests.all), 0)} | ${show(requestsPerCertificate, 3)} |`,
    `| of which listing pages | ${show(runs.map((run) => run.steadyRequests.listing), 0)} | |`,
    `| Store writes | ${show(writes, 0)} | ${show(writes.map((value) => value / count), 3)} |`,
    `| CPU time | ${show(runs.map((run) => metric(run.steady, 'cpuMs')), 0, ' ms')} | ${show(runs.map((run) => metric(run.steady, 'cpuMs') / count), 2, ' ms')} |`,
    `| Wall time | ${show(runs.map((run) => metric(run.steady, 'wallMs')), 0, ' ms')} | |`,
    '',
    verdict(met, 'at most 0.1 requests and 0 writes per certificate',
      `${median(requestsPerCertificate).toFixed(3)} requests and ${median(writes)} writes per certificate`, 'see the table'),
    '',
    'Without the listing, or where the identity may not list secrets (403), every certificate costs one GET per',
    'poll: 1 request per certificate.',
    '',
  ];
}

export function renderParse(results: BenchResults): string[] {
  if (results.parse.length === 0) return [];
  const rows = results.parse.map((result) => {
    const kvcert = show(result.kvcertMs, 2, ' ms');
    if (result.opensslError) return `| ${result.id} | ${kvcert} | fails: ${result.opensslError.replace(/\|/g, '/')} | – |`;
    const ratios = result.kvcertMs.map((value, index) => value / result.opensslMs[index]);
    return `| ${result.id} | ${kvcert} | ${show(result.opensslMs, 2, ' ms')} | ${show(ratios, 2, '×')} |`;
  });
  const compared = results.parse.filter((result) => !result.opensslError);
  const worst = Math.max(...compared.map((result) => median(result.kvcertMs.map((value, index) => value / result.opensslMs[index]))));

  return [
    '## PKCS#12 parsing',
    '',
    'CPU time per parse of kvcert\'s parser (`parseSecretValue`: MAC check, decryption, certificates, key, chain)',
    'against `tls.createSecureContext({ pfx })`, OpenSSL\'s reader in C, on the same file, in alternating rounds',
    '(bench/parse-worker.ts). The corpus files come from the shared certificate corpus; `bench-windows-3des`',
    'is one of the PFX files of the sync benchmark.',
    '',
    '| PFX | kvcert | tls.createSecureContext | ratio |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    verdict(worst <= 3, 'at most 3× on every file OpenSSL reads', `at most ${worst.toFixed(2)}×`, 'see the table'),
    '',
    'PBKDF2, AES-CBC, 3DES, HMAC and the PKCS#8 key decryption run in Node\'s OpenSSL. The PKCS#12 key derivation',
    '(RFC 7292 appendix B), which Node does not offer, iterates SHA-1 or SHA-256 in JavaScript',
    '(adapters/bundle/repeated-sha1.ts, repeated-sha256.ts), and RC2-40, which OpenSSL 3 keeps in its legacy',
    'provider, is deciphered by node-forge.',
    '',
  ];
}

export function renderIdleMemory(results: BenchResults): string[] {
  const runs = results.sync.map((run) => run.agent.idle);
  if (runs.length === 0) return [];
  const count = results.certificates;
  const rows = [`| ${count} | ${show(runs.map((run) => mib(metric(run, 'rssBytes'))), 0, ' MiB')} | ${show(runs.map((run) => mib(metric(run, 'heapUsedBytes'))), 1, ' MiB')} |`];
  const small = results.smallAgentIdle;
  if (small) rows.unshift(`| 1 | ${mib(small.rssBytes).toFixed(0)} MiB | ${mib(small.heapUsedBytes).toFixed(1)} MiB |`);
  const perCertificate = small
    ? [`V8 heap per certificate: about ${((median(runs.map((run) => metric(run, 'heapUsedBytes'))) - small.heapUsedBytes) / (count - 1) / 1024).toFixed(1)} KiB ` +
      '(the difference between the two agents, divided by the extra certificates).', '']
    : [];

  const stopMs = results.sync.map((run) => metric(run.agent.parts, 'stopMs'));
  return [
    `## Idle memory of an agent with ${count} certificate actors`,
    '',
    'After the steady-state poll, with two garbage collections. RSS keeps memory the sync used and the allocator',
    'has not returned, so the V8 heap is the better measure of what the actors hold.',
    '',
    '| certificates | RSS | V8 heap used |',
    '| --- | --- | --- |',
    ...rows,
    '',
    ...perCertificate,
    `Stopping the agent (\`Agent.stop\`, as on SIGTERM) with ${count} idle certificates took ${show(stopMs, 0, ' ms')}.`,
    '',
  ];
}

export function renderRenewal(results: BenchResults): string[] {
  const renewal = results.renewal;
  if (!renewal || renewal.latencyMs.length === 0) return [];
  return [
    '## Renewal latency with `kvcert sync --now`',
    '',
    `\`kvcert run\` observes all ${renewal.certificates} certificates (its initial sync took ${(renewal.initialSyncMs / 1000).toFixed(1)} s).`,
    'A new version of one certificate is published, then `kvcert sync --now` asks the agent over its control',
    'socket to poll; the agent lists the vault, fetches the changed secret and installs it.',
    '',
    '| | median (range) |',
    '| --- | --- |',
    `| Publication to the new file in the store | ${show(renewal.latencyMs, 0, ' ms')} |`,
    `| of which the \`kvcert sync --now\` process | ${show(renewal.commandMs, 0, ' ms')} |`,
    `| Requests per renewal | ${show(renewal.requests.map((counts) => counts.all), 0)} |`,
    `| of which listing pages | ${show(renewal.requests.map((counts) => counts.listing), 0)} |`,
    '',
    `Over ${renewal.latencyMs.length} renewals. Most of the command time is starting Node and loading kvcert.`,
    '',
  ];
}

export function renderFleet(results: BenchResults): string[] {
  if (results.fleet.length === 0) return [];
  const rows = results.fleet.map((fleet) => {
    const converge = fleet.converge;
    const converged = converge.converged ? `${(metric(converge, 'wallMs') / 1000).toFixed(1)} s` : 'did not converge in 120 s';
    return `| ${fleet.limitPerWindow} per ${fleet.windowMs / 1000} s | ${fleet.machines} × ${fleet.certificatesPerMachine} | ${converged} | ` +
      `${fleet.convergeRequests.authenticated} | ${fleet.convergeRequests.throttled} | ${metric(converge, 'gaveUp')} | ${metric(converge, 'peakAttempt')} | ` +
      `${fleet.pollRequests.authenticated} (${fleet.pollRequests.throttled}) | ${(fleet.simulatorCpuMs / 1000).toFixed(1)} s |`;
  });

  return [
    '## Fleet simulation',
    '',
    'The pollers of many machines run in one process (bench/fleet-worker.ts). Each machine has its own',
    'managed-identity credential, Key Vault client and agent. All observe the same certificates and start at the',
    'same moment, against one vault that responds to GETs beyond its limit with 429 and Retry-After',
    '(emulators/faults/rate-limiter.ts).',
    'Key Vault allows 4,000 secret reads per 10 s per vault; the second row leaves a quarter of that, as for a vault',
    'that other clients use too. After all certificates are installed, every machine polls once more at the same',
    'moment.',
    '',
    '| vault limit | machines × certificates | time to converge | requests with a token | 429 sent | gave up | highest retry count | one more poll: requests (429) | simulator CPU |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    'The SDK retries a 429 that carries Retry-After up to three times before the agent sees it, so throttled',
    'requests show in the 429 column without raising the retry count. The time to converge is bound by the',
    'simulator itself: one process parses every machine\'s certificates and makes every TLS connection, and its',
    'CPU time is in the last column. The extra poll\'s requests include the SDK\'s retries after a 429. Requests',
    'without a token, the first of each client for the authentication challenge, are not counted, because the',
    'emulator applies its limit to authenticated requests only.',
    '',
  ];
}
