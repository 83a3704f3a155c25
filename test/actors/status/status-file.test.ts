import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStatusDocument, renderStatusDocument, writeStatusFile } from '../../../actors/status/status-file.ts';
import { renderStatusTable } from '../../../actors/status/status-table.ts';
import { rollUpStatus } from '../../../machines/status-rollup.ts';
import type { CertificateSummary } from '../../../machines/status-rollup.ts';

const statusFile = suite('status file');

const installed: CertificateSummary = {
  url: 'https://kv.vault.azure.net/secrets/web', state: 'idle', attempt: 0, warnings: [], polls: 1,
  installed: { version: 'a1b2', thumbprint: 'ABCDEF', notAfter: '2031-05-01T00:00:00.000Z' },
};
const failing: CertificateSummary = {
  url: 'https://kv.vault.azure.net/secrets/api', state: 'errorBackoff', attempt: 3, warnings: [], polls: 3,
  lastError: { reason: 'SecretNotFound', message: 'Key Vault returned 404 for https://kv.vault.azure.net/secrets/api', state: 'fetching' },
};
const options = { name: 'KeyVaultForWindows', operation: 'Enable', now: new Date('2026-12-04T10:00:00.123Z'), configurationAppliedTime: new Date('2026-12-04T09:59:00Z') };

statusFile('success document has the handler shape', () => {
  const [entry] = buildStatusDocument(rollUpStatus([installed], true), options) as any[];

  assert.is(entry.version, 1.0);
  assert.is(entry.timestampUTC, '2026-12-04T10:00:00Z');
  assert.is(entry.status.status, 'success');
  assert.is(entry.status.code, 0);
  assert.is(entry.status.operation, 'Enable');
  assert.equal(entry.status.formattedMessage, { lang: 'en', message: '1 of 1 certificates installed' });
  assert.equal(entry.status.substatus, [{
    name: 'https://kv.vault.azure.net/secrets/web', status: 'success', code: 0,
    formattedMessage: { lang: 'en', message: 'version a1b2 installed, thumbprint ABCDEF' },
  }]);
});

statusFile('failing certificate keeps transitioning with a reason', () => {
  const [entry] = buildStatusDocument(rollUpStatus([installed, failing], true), options) as any[];

  assert.is(entry.status.status, 'transitioning');
  assert.is(entry.status.substatus[1].status, 'error');
  assert.is(entry.status.substatus[1].code, 1);
  assert.match(entry.status.substatus[1].formattedMessage.message, /404 for https:\/\/kv\.vault\.azure\.net\/secrets\/api \(attempt 3\)/);
});

statusFile('given-up certificate makes the status error', () => {
  const [entry] = buildStatusDocument(rollUpStatus([{ ...failing, attempt: 26 }], true), options) as any[];

  assert.is(entry.status.status, 'error');
  assert.is(entry.status.code, 1);
  assert.match(entry.status.formattedMessage.message, /Initial sync failed after 25 retries/);
});

statusFile('oversized file drops successful substatuses', () => {
  const many = Array.from({ length: 2_000 }, (_, index) => ({ ...installed, url: `${installed.url}${index}` }));

  const text = renderStatusDocument(buildStatusDocument(rollUpStatus([...many, failing], true), options));

  assert.ok(Buffer.byteLength(text) <= 128 * 1024);
  assert.equal(JSON.parse(text)[0].status.substatus.map((item: { name: string }) => item.name), [failing.url]);
});

statusFile('written as <seq>.status', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'kvcert-status-'));
  try {
    const path = await writeStatusFile(folder, 7, rollUpStatus([installed], false), options);

    assert.is(path, join(folder, '7.status'));
    assert.is(JSON.parse(await readFile(path, 'utf8'))[0].status.status, 'success');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

statusFile('table lists url, state, version, thumbprint, expiry', () => {
  const table = renderStatusTable(rollUpStatus([installed, failing], false), [installed, failing]);

  const lines = table.split('\n');
  assert.is(lines[0], 'Status: Ready (Polling; 1 of 2 certificates installed, 1 failing)');
  assert.match(lines[1], /^URL\s+STATE\s+VERSION\s+THUMBPRINT\s+EXPIRES$/);
  assert.match(lines[2], /secrets\/web\s+installed\s+a1b2\s+ABCDEF\s+2031-05-01$/);
  assert.match(lines[3], /secrets\/api\s+error: SecretNotFound\s+-\s+-\s+-$/);
});

statusFile.run();
