// Recomputes every expected value of the corpus manifest with the openssl command line
// (the corpus's own verify.sh), so the manifest that corpus.test.ts compares against
// cannot drift from the case files.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from './corpus-files.ts';

const manifestCheck = suite('corpus manifest against openssl');

manifestCheck('verify.sh agrees on every case', async () => {
  const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as { caseCount: number };

  // stdin is closed: a step of verify.sh that reads standard input must not wait for it.
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('bash', [join(corpusDir, 'verify.sh'), corpusDir], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    let text = '';
    child.stdout.on('data', (chunk) => { text += chunk; });
    child.stderr.on('data', (chunk) => { text += chunk; });
    child.on('close', (exitCode) => resolve({ code: exitCode, output: text }));
  });

  assert.is(code, 0, output);
  assert.match(output, new RegExp(`^${manifest.caseCount} passed, 0 failed$`, 'm'));
});

manifestCheck.run();
