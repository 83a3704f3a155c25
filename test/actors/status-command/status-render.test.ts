import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDelay, renderStatus } from '../../../actors/status-command/status-render.ts';
import { daysUntil } from '../../../actors/status-command/status-document.ts';
import type { CertificateStatusEntry, StatusDocument } from '../../../actors/status-command/status-document.ts';

const render = suite('status rendering');

const now = new Date('2025-03-01T12:00:00Z');

function entry(fields: Partial<CertificateStatusEntry>): CertificateStatusEntry {
  return {
    url: 'https://vault.test/secrets/web', state: 'idle', status: 'success', version: 'v1', thumbprint: 'AA11', notAfter: null,
    daysToExpiry: null, installedAt: null, nextPollAt: null, consecutiveFailures: 0, lastError: null, warnings: [], message: null,
    lastAfterInstallHook: null, ...fields,
  };
}

function documentOf(certificates: CertificateStatusEntry[], source: 'agent' | 'files' = 'agent'): StatusDocument {
  return {
    schemaVersion: 1, source, sourceDetail: 'control socket /run/kvcert.sock', generatedAt: now.toISOString(), updatedAt: now.toISOString(),
    status: 'Ready', message: 'Polling; 1 of 1 certificates installed', certificates,
  };
}

render('delays read as seconds, minutes, hours', () => {
  assert.is(formatDelay('2025-03-01T11:59:59Z', now), 'due now');
  assert.is(formatDelay('2025-03-01T12:00:42Z', now), 'in 42s');
  assert.is(formatDelay('2025-03-01T12:12:00Z', now), 'in 12m');
  assert.is(formatDelay('2025-03-01T15:05:00Z', now), 'in 3h 5m');
});

render('days to expiry round down', () => {
  assert.is(daysUntil('2025-03-31T11:59:59Z', now), 29);
  assert.is(daysUntil('2025-03-31T12:00:00Z', now), 30);
  assert.is(daysUntil('2025-02-28T12:00:00Z', now), -1);
  assert.is(daysUntil(undefined, now), null);
});

render('table with expiry, next poll and error', () => {
  const text = renderStatus(documentOf([
    entry({ daysToExpiry: 30, nextPollAt: '2025-03-01T12:50:00Z' }),
    entry({ url: 'https://vault.test/secrets/old', state: 'errorBackoff', status: 'error', version: null, thumbprint: null, daysToExpiry: -2,
      nextPollAt: '2025-03-01T12:00:08Z', lastError: { reason: 'AccessDenied', message: 'Key Vault returned 403 Forbidden for https://vault.test/secrets/old; grant get on secrets' } }),
    entry({ url: 'https://vault.test/secrets/api', state: 'installing', warnings: ['afterInstall hook /bin/reload exited with code 1'] }),
  ]), now);

  assert.is(text, [
    'Source: agent (control socket /run/kvcert.sock)',
    'Status: Ready (Polling; 1 of 1 certificates installed)',
    'URL                             STATE         VERSION  THUMBPRINT  EXPIRES IN      NEXT POLL  LAST ERROR',
    'https://vault.test/secrets/web  idle          v1       AA11        30 days         in 50m     -',
    'https://vault.test/secrets/old  errorBackoff  -        -           expired 2d ago  in 8s      AccessDenied: Key Vault returned 403 Forbidden for https:...',
    'https://vault.test/secrets/api  installing    v1       AA11        -               running    -',
    'Warnings:',
    '  https://vault.test/secrets/api: afterInstall hook /bin/reload exited with code 1',
  ].join('\n'));
});

render('files source shows when the status was written', () => {
  const document = { ...documentOf([entry({ state: null })], 'files'), sourceDetail: 'no agent is running at /run/kvcert.sock', updatedAt: '2025-03-01T11:00:00Z' };

  const lines = renderStatus(document, now).split('\n');

  assert.is(lines[0], 'Source: files (no agent is running at /run/kvcert.sock)');
  assert.is(lines[1], 'Status: Ready (Polling; 1 of 1 certificates installed), written 2025-03-01T11:00:00Z');
  assert.match(lines[3], /^https:\/\/vault.test\/secrets\/web {2}success {2}v1 {7}AA11 {8}- {11}- {10}-$/);
});

render.run();
