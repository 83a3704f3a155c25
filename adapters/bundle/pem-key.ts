// Private key blocks of a PEM secret: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`)
// and SEC1 (`EC PRIVATE KEY`). Encrypted keys are rejected because Key Vault PEM
// secrets never carry a passphrase, so kvcert has none to offer.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { BundleProblem } from './bundle-problem.ts';
import type { PemBlock } from './pem.ts';

type KeyEncoding = 'pkcs8' | 'pkcs1' | 'sec1';

const encodingsByLabel: Record<string, KeyEncoding> = {
  'PRIVATE KEY': 'pkcs8',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
};
const allEncodings: KeyEncoding[] = ['pkcs8', 'pkcs1', 'sec1'];

/**
 * Reads one private key block. A block whose content does not match its label (say
 * PKCS#1 under `BEGIN PRIVATE KEY`) is still read, with the warning `key-block-label-mismatch`.
 */
export function readKeyBlock(block: PemBlock): { key: KeyObject; warnings: string[] } {
  rejectEncrypted(block);

  const labelled = encodingsByLabel[block.label];
  if (!labelled) {
    throw new BundleProblem('unsupported-key-type', `the PEM contains a "BEGIN ${block.label}" block, which kvcert cannot read`);
  }

  const candidates = [labelled, ...allEncodings.filter((encoding) => encoding !== labelled)];
  for (const encoding of candidates) {
    const key = tryCreatePrivateKey(block.der, encoding);
    if (key) return { key, warnings: encoding === labelled ? [] : ['key-block-label-mismatch'] };
  }
  throw new BundleProblem('corrupt', `the PEM block "BEGIN ${block.label}" is not a private key that Node.js can read`);
}

function rejectEncrypted(block: PemBlock): void {
  if (block.label === 'ENCRYPTED PRIVATE KEY') {
    throw new BundleProblem('encrypted-key', 'the private key in the PEM is encrypted ("BEGIN ENCRYPTED PRIVATE KEY")');
  }
  if (block.headers.some((header) => /^Proc-Type:\s*4\s*,\s*ENCRYPTED/i.test(header))) {
    throw new BundleProblem('encrypted-key', 'the private key in the PEM is encrypted ("Proc-Type: 4,ENCRYPTED")');
  }
}

function tryCreatePrivateKey(der: Buffer, type: KeyEncoding): KeyObject | undefined {
  try {
    return createPrivateKey({ key: der, format: 'der', type });
  } catch {
    return undefined;
  }
}
