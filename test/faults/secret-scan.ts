// Searches text for secret material: PEM private-key blocks, and any stretch of a known secret
// (a secret value, a key body or a token) long enough that it cannot be there by chance.

/** A secret to search for, with a label for the failure message (never the secret itself). */
export interface KnownSecret {
  label: string;
  value: string;
}

/** Stretches this long (in characters) of a secret's base64 or hex text do not occur by chance. */
export const fragmentLength = 24;

/** Returns the base64 body lines of every PEM private key in `pem` as one string per key. */
export function privateKeyBodies(pem: string): string[] {
  const blocks = pem.matchAll(/-----BEGIN ([A-Z ]*)PRIVATE KEY-----([\s\S]*?)-----END \1PRIVATE KEY-----/g);
  return [...blocks].map((block) => block[2].replace(/\s+/g, ''));
}

/**
 * Returns one line per finding in `text`: a `PRIVATE KEY` marker, or a fragment of a known secret.
 * Secrets are cut into overlapping pieces, so that a secret cut short (e.g. a truncated message)
 * is still found. Line breaks in PEM text are ignored.
 */
export function findSecrets(text: string, secrets: KnownSecret[], where: string): string[] {
  const findings: string[] = [];
  if (/PRIVATE KEY/.test(text)) findings.push(`${where}: contains 'PRIVATE KEY'`);

  const flat = text.replace(/\\n|\s+/g, '');
  for (const secret of secrets) {
    const compact = secret.value.replace(/\s+/g, '');
    const step = Math.max(1, Math.floor(fragmentLength / 2));
    for (let start = 0; start + fragmentLength <= compact.length; start += step) {
      if (flat.includes(compact.slice(start, start + fragmentLength))) {
        findings.push(`${where}: contains part of ${secret.label} at offset ${start}`);
        break;
      }
    }
  }
  return findings;
}
