// Reads PEM text (RFC 7468) as Key Vault and OpenSSL write it: any line ends, text
// such as `Bag Attributes` between blocks, blocks in any order. Certificate blocks are
// kept as DER; private key blocks go to pem-key.ts.
import { BundleProblem } from './bundle-problem.ts';
import { readKeyBlock } from './pem-key.ts';
import type { SecretContents } from './secret-contents.ts';

/** One `-----BEGIN label-----` ... `-----END label-----` block. */
export interface PemBlock {
  label: string;
  /** RFC 1421 header lines such as `Proc-Type: 4,ENCRYPTED`. */
  headers: string[];
  der: Buffer;
}

const certificateLabels = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
const blockPattern = /-----BEGIN ([^\n-]+)-----[ \t]*\n([\s\S]*?)-----END ([^\n-]+)-----/g;

/** Reads certificates and private keys from PEM text. Throws BundleProblem. */
export function readPem(text: string): SecretContents {
  const contents: SecretContents = { certificates: [], privateKeys: [], warnings: [] };

  for (const block of splitBlocks(text)) {
    if (certificateLabels.has(block.label)) {
      contents.certificates.push(block.der);
    } else if (block.label.endsWith('PRIVATE KEY')) {
      const { key, warnings } = readKeyBlock(block);
      contents.privateKeys.push(key);
      contents.warnings.push(...warnings);
    }
  }
  return contents;
}

// Blocks of other types (EC PARAMETERS, PUBLIC KEY, TRUSTED CERTIFICATE, ...) are
// returned too and skipped by the caller.
function splitBlocks(text: string): PemBlock[] {
  const normalized = text.replace(/\r\n?/g, '\n');
  const blocks = [...normalized.matchAll(blockPattern)].map((match) => {
    const [, label, body, endLabel] = match;
    if (label !== endLabel) {
      throw new BundleProblem('corrupt', `the PEM block "BEGIN ${label}" ends with "END ${endLabel}"`);
    }
    return decodeBlock(label, body);
  });

  const begins = normalized.split('-----BEGIN ').length - 1;
  if (begins > blocks.length) throw new BundleProblem('corrupt', 'a PEM block in the secret value has no END line');
  if (blocks.length === 0) throw new BundleProblem('corrupt', 'the secret value contains no complete PEM block');
  return blocks;
}

function decodeBlock(label: string, body: string): PemBlock {
  const lines = body.split('\n');
  const headers: string[] = [];
  if (lines[0]?.includes(':')) {
    while (lines.length > 0 && lines[0].trim() !== '') headers.push(lines.shift()!.trim());
  }

  const base64 = lines.join('').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0 || base64.length === 0) {
    throw new BundleProblem('corrupt', `the PEM block "BEGIN ${label}" is not valid base64`);
  }
  return { label, headers, der: Buffer.from(base64, 'base64') };
}
