// Access to the shared certificate-secret corpus, which CI checks out as `shared/corpus`
// beside the repository.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One manifest entry; the fields are described in the corpus README. */
export interface CorpusCase {
  id: string;
  file: string;
  contentType: string;
  expected: 'ok' | 'error';
  detectedFormat?: 'pkcs12' | 'pem';
  thumbprint?: string;
  subject?: string;
  sanDns?: string[];
  sanIp?: string[];
  notBefore?: string;
  notAfter?: string;
  keyType?: string;
  intermediates?: number;
  intermediateThumbprints?: string[];
  rootPresent?: boolean;
  rootThumbprint?: string | null;
  ignoredThumbprints?: string[];
  warnings?: string[];
  errorCode?: string;
  acceptedErrorCodes?: string[];
  pfxPassword?: string;
  keyPassword?: string;
}

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
export const corpusDir = join(repoRoot, '..', 'shared', 'corpus');

export const corpusCases = (JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8')) as { cases: CorpusCase[] }).cases;

/** Returns a manifest entry by id; throws when the corpus lacks it. */
export function corpusCase(id: string): CorpusCase {
  const found = corpusCases.find((entry) => entry.id === id);
  if (!found) throw new Error(`the corpus has no case ${id}`);
  return found;
}

/** Returns the secret value of a case exactly as stored. */
export function corpusValue(id: string): string {
  return readFileSync(join(corpusDir, corpusCase(id).file), 'utf8');
}
