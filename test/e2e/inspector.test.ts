// `kvcert run --inspect 0` as a user sees it: the page in headless Chromium while the agent
// installs a certificate and then a renewal, all against the loopback emulators.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { startLab } from '../../emulators/lab.ts';
import type { Lab, PublishedVersion } from '../../emulators/lab.ts';
import { repoRoot, runCli } from './cli-runner.ts';

const chromiumPath = '/usr/bin/chromium';
const outputFolder = join(repoRoot, 'test-output');
const inspector = suite('kvcert run --inspect in a browser');
// Without Chromium the browser tests are skipped on a developer machine, but run and fail in CI.
const browserTest = existsSync(chromiumPath) || process.env.CI ? inspector : inspector.skip;

let lab: Lab;
let work: string;
let agent: ChildProcess | undefined;
let agentLog = '';
let agentOutput = '';
let browser: BrowserContext | undefined;
let page: Page;
let inspectorUrl = '';
let web: PublishedVersion;

const paths = () => ({
  settings: join(work, 'settings.json'), store: join(work, 'store'), status: join(work, 'status'),
  state: join(work, 'state.json'), control: join(work, 'kvcert.sock'), ca: join(work, 'ca.pem'),
});

interface EventRow { event: string; from: string; to: string; version: string; thumbprint: string }

/** Polls `check` every 100 ms until it returns true, for at most `timeoutMs`. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  assert.unreachable(`timed out waiting for ${what}; agent log:\n${agentLog}`);
}

function startAgent(): void {
  const flags = ['--settings', paths().settings, '--store', 'folder', '--store-root', paths().store, '--status-dir', paths().status,
    '--state-file', paths().state, '--control', paths().control, '--ca-file', paths().ca, '--inspect', '0'];
  agent = spawn(process.execPath, ['--import', join(repoRoot, 'test/network-guard.ts'), join(repoRoot, 'actors/cli.ts'), 'run', ...flags], { cwd: repoRoot });
  agent.stderr!.on('data', (chunk) => { agentLog += chunk; });
  agent.stdout!.on('data', (chunk) => { agentOutput += chunk; });
}

async function launchChromium(): Promise<BrowserContext> {
  assert.ok(existsSync(chromiumPath), `Chromium is missing at ${chromiumPath}; .ci/run installs it with apt-get install -y chromium`);
  const profile = await mkdtemp(join(tmpdir(), 'kvcert-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport: { width: 1400, height: 1000 },
  });
}

const article = () => page.locator(`article[data-url="${web.url}"]`);

async function eventRows(): Promise<EventRow[]> {
  const rows = await article().locator('table.events tbody tr').evaluateAll((trs) => trs.map((tr) => {
    const cell = (name: string) => tr.querySelector(`td.${name}`)?.textContent ?? '';
    return { event: cell('event'), from: cell('from'), to: cell('to'), version: cell('version'), thumbprint: cell('thumbprint') };
  }));
  return rows.reverse();
}

/**
 * Page script that records each state the certificate chart marks active, in order, in
 * `window.highlightedStates`. A string, because the tests are type-checked without the DOM library.
 */
const recordHighlights = `(() => {
  const seen = [];
  window.highlightedStates = seen;
  new MutationObserver((mutations) => {
    for (const mutation of mutations) {
      const node = mutation.target;
      if (node.classList.contains('state') && node.classList.contains('active')) seen.push(node.getAttribute('data-state'));
    }
  }).observe(document.querySelector('article svg.statechart'), { subtree: true, attributes: true, attributeFilter: ['class'] });
})()`;

async function field(name: string): Promise<string> {
  return (await article().locator(`dd[data-field="${name}"]`).textContent()) ?? '';
}

inspector.before(async () => {
  lab = await startLab();
  work = await mkdtemp(join(tmpdir(), 'kvcert-inspector-'));
  await mkdir(outputFolder, { recursive: true });
  await writeFile(paths().ca, lab.vault.caPem);
  web = await lab.publish('web', 'pkcs12-intermediate');
  await writeFile(paths().settings, JSON.stringify({
    secretsManagementSettings: { observedCertificates: [web.url] },
    authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
  }));
});

inspector.after(async () => {
  await browser?.close();
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  await lab.close();
  await rm(work, { recursive: true, force: true });
});

browserTest('run prints the inspector URL on 127.0.0.1', async () => {
  startAgent();

  await eventually(async () => /kvcert inspector: http:\/\/127\.0\.0\.1:\d+\//.test(agentOutput), 'the inspector URL on stdout');

  inspectorUrl = /kvcert inspector: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(agentOutput)![1];
  assert.not.match(inspectorUrl, /:0\//);
});

browserTest('page shows the installed certificate idle', async () => {
  browser = await launchChromium();
  page = await browser.newPage();

  await page.goto(inspectorUrl);
  await article().and(page.locator('[data-state="idle"]')).waitFor({ timeout: 30_000 });
  await eventually(async () => (await eventRows()).some((row) => row.from === 'linked' && row.to === 'idle'), 'the first install in the event list');

  assert.is(await article().locator('svg .state.active').getAttribute('data-state'), 'idle');
  assert.is(await field('version'), web.version);
  assert.is(await field('thumbprint'), web.thumbprint);
  assert.is(await page.locator('#status').textContent(), 'Ready');
  assert.is(await page.locator('#extension svg .state.active').getAttribute('data-state'), 'ready');
});

browserTest('page follows a renewal from fetching to linked, then idle', async () => {
  await page.evaluate(recordHighlights);
  const renewal = await lab.publish('web', 'pkcs12-intermediate');

  const poll = await runCli(['sync', '--now', '--control', paths().control]);
  assert.is(poll.code, 0, poll.stderr);
  await eventually(async () => (await field('version')) === renewal.version && (await field('state')) === 'idle', 'the renewal installed');

  const rows = await eventRows();
  const renewalRows = rows.slice(rows.map((row) => row.to).lastIndexOf('fetching'));
  const highlighted = await page.evaluate('window.highlightedStates') as string[];
  await writeFile(join(outputFolder, 'inspector-sequence.json'), `${JSON.stringify({ eventList: renewalRows, highlighted }, null, 2)}\n`);
  assert.equal(renewalRows.map((row) => row.to), ['fetching', 'installing', 'acl', 'linked', 'idle']);
  assert.equal(highlighted, ['fetching', 'installing', 'acl', 'linked', 'idle']);
  assert.is(renewalRows[0].event, 'refresh.requested');
  assert.is(renewalRows[1].event, 'fetchSecret done');
  assert.is(renewalRows[1].version, renewal.version);
  assert.is(renewalRows[1].thumbprint, renewal.thumbprint);
  assert.is(await article().locator('svg .edge.taken').getAttribute('data-source'), 'linked');
});

browserTest('page shows no private key and no token', async () => {
  const text = await page.locator('body').innerText();
  const markup = await page.content();

  await page.screenshot({ path: join(outputFolder, 'inspector.png'), fullPage: true });
  assert.ok(lab.tokens.issuedTokens.length > 0, 'the agent fetched no token, so the check would prove nothing');
  for (const content of [text, markup]) {
    assert.not.match(content, /PRIVATE KEY/);
    for (const token of lab.tokens.issuedTokens) assert.not.ok(content.includes(token), 'the page contains an access token');
  }
});

browserTest('SIGTERM stops the agent while the page is open', async () => {
  const exited = new Promise<number | null>((resolve) => agent!.once('exit', (code) => resolve(code)));

  agent!.kill('SIGTERM');

  assert.is(await exited, 0);
  await page.locator('#connection.lost').waitFor({ timeout: 10_000 });
});

inspector.run();
