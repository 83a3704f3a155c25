// Bounded fuzzing of the secret parser: mutated corpus inputs must give a Bundle or a
// BundleError, never another exception, a hang or growing memory. Seeded, so a failure
// repeats: the message names the seed and the input number.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BundleError } from '../../../adapters/bundle/bundle.ts';
import { parseSecretValue } from '../../../adapters/bundle/parse-secret.ts';
import { corpusCases, corpusValue } from './corpus-files.ts';

const seed = 20261204;
const inputCount = 3_000;
const maxParseMs = 5_000;
const budgetMs = 45_000;

/** mulberry32: a small seeded generator, enough to pick mutations reproducibly. */
function generator(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (bytes: Buffer, random: () => number) => Buffer;

const pick = (random: () => number, length: number) => Math.floor(random() * Math.max(1, length));

const mutations: Mutation[] = [
  (bytes, random) => { const copy = Buffer.from(bytes); const at = pick(random, copy.length); copy[at] ^= 1 << pick(random, 8); return copy; },
  (bytes, random) => bytes.subarray(0, pick(random, bytes.length)),
  (bytes, random) => { const at = pick(random, bytes.length); return Buffer.concat([bytes.subarray(0, at), Buffer.from([pick(random, 256)]), bytes.subarray(at)]); },
  (bytes, random) => { const at = pick(random, bytes.length); return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + pick(random, 16))]); },
  (bytes, random) => { const copy = Buffer.from(bytes); const at = pick(random, copy.length); copy.fill(pick(random, 256), at, Math.min(copy.length, at + pick(random, 64))); return copy; },
];

/** Mutates the DER under a base64 PFX (so the container is damaged, not only the text), or the PEM text. */
function mutate(value: string, isPfx: boolean, random: () => number): string {
  const bytes = isPfx ? Buffer.from(value, 'base64') : Buffer.from(value, 'utf8');
  let mutated: Buffer = bytes;
  const rounds = 1 + pick(random, 3);
  for (let round = 0; round < rounds; round++) mutated = mutations[pick(random, mutations.length)](mutated, random);
  return isPfx ? mutated.toString('base64') : mutated.toString('latin1');
}

function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

const fuzz = suite('secret parser fuzz');

fuzz('mutated inputs give a bundle or a typed error', () => {
  const random = generator(seed);
  const sources = corpusCases.filter((testCase) => corpusValue(testCase.id).length > 0);
  const started = Date.now();
  const outcomes = { bundles: 0, errors: 0 };
  let heapBefore = 0;

  for (let input = 0; input < inputCount && Date.now() - started < budgetMs; input++) {
    if (input === 50) heapBefore = heapAfterGc();
    const source = sources[pick(random, sources.length)];
    const isPfx = source.file.endsWith('.b64');
    const value = mutate(corpusValue(source.id), isPfx, random);
    const parseStarted = Date.now();
    try {
      parseSecretValue(value, source.contentType, `https://fuzz.vault.azure.net/secrets/${source.id}`);
      outcomes.bundles += 1;
    } catch (error) {
      assert.instance(error, BundleError, `seed ${seed}, input ${input} from ${source.id}: ${(error as Error)?.stack}`);
      outcomes.errors += 1;
    }
    assert.ok(Date.now() - parseStarted < maxParseMs, `seed ${seed}, input ${input} from ${source.id} took over ${maxParseMs} ms`);
  }

  const growthBytes = heapAfterGc() - heapBefore;
  console.log(`fuzz: ${outcomes.bundles} bundles, ${outcomes.errors} errors in ${Date.now() - started} ms, heap growth ${growthBytes} bytes`);
  assert.ok(outcomes.bundles + outcomes.errors >= 200, 'too few inputs ran within the time budget');
  assert.ok(growthBytes < 32 * 1024 * 1024, `heap grew by ${growthBytes} bytes`);
});

fuzz.run();
