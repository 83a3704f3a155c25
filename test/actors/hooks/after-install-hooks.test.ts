import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { detectInstalls } from '../../../actors/hooks/after-install-hooks.ts';
import type { CertificateSummary } from '../../../machines/status-rollup.ts';

const detect = suite('install detection for hooks');

const url = 'https://vault.test/secrets/web';

function summary(state: string, installed = true): CertificateSummary {
  return { url, state, attempt: 0, warnings: [], polls: 1, ...(installed ? { installed: { version: 'v2', thumbprint: 'BB' } } : {}) };
}

detect('linked to idle is an install', () => {
  const states = new Map([[url, 'linked']]);

  assert.equal(detectInstalls(states, [summary('idle')]).map((item) => item.url), [url]);
  assert.is(states.get(url), 'idle');
});

detect('unchanged poll is not an install', () => {
  const states = new Map([[url, 'fetching']]);

  assert.equal(detectInstalls(states, [summary('idle')]), []);
});

detect('first sight is not an install', () => {
  assert.equal(detectInstalls(new Map(), [summary('idle')]), []);
});

detect('failed link is not an install', () => {
  const states = new Map([[url, 'linked']]);

  assert.equal(detectInstalls(states, [summary('errorBackoff')]), []);
});

detect('each install reported once', () => {
  const states = new Map([[url, 'linked']]);

  detectInstalls(states, [summary('idle')]);

  assert.equal(detectInstalls(states, [summary('idle')]), []);
});

detect.run();
