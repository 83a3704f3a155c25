// Decides what a secret value is by its content: PEM text, a base64 PFX, base64 of
// PEM text, or base64 of the legacy JSON wrapper around a PFX. The content type is
// only a label: it is compared with the result, never trusted over it.
import { BundleProblem } from './bundle-problem.ts';

export type SecretFormat = 'pkcs12' | 'pem';

/** A secret value with its outer encoding removed. */
export type DecodedValue =
  | { format: 'pem'; text: string; warnings: string[] }
  | { format: 'pkcs12'; der: Buffer; password?: string; warnings: string[] };

const contentTypes: Record<string, SecretFormat> = {
  'application/x-pkcs12': 'pkcs12',
  'application/x-pem-file': 'pem',
};

/** Returns the format a content type names, or undefined when it is missing or names neither. */
export function formatOfContentType(contentType: string | undefined): SecretFormat | undefined {
  const mediaType = contentType?.split(';')[0].trim().toLowerCase() ?? '';
  return contentTypes[mediaType];
}

/** Decodes a secret value. Throws BundleProblem `empty` or `corrupt`. */
export function decodeSecretValue(value: string): DecodedValue {
  if (value.trim() === '') throw new BundleProblem('empty', 'the secret value is empty');
  if (value.includes('-----BEGIN ')) return { format: 'pem', text: value, warnings: [] };

  const bytes = decodeStrictBase64(value);
  if (!bytes) {
    throw new BundleProblem('corrupt', 'the secret value is neither PEM text nor valid base64 (as a PFX secret must be)');
  }
  if (startsWithPem(bytes)) {
    return { format: 'pem', text: bytes.toString('utf8'), warnings: ['base64-wrapped-pem'] };
  }
  if (bytes[0] === 0x7b) return unwrapLegacyJson(bytes);
  return { format: 'pkcs12', der: bytes, warnings: [] };
}

/** Decodes standard base64, allowing whitespace between characters. Returns undefined for anything else. */
function decodeStrictBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  const valid = /^[A-Za-z0-9+/]*={0,2}$/.test(compact) && compact.length % 4 === 0;
  return valid ? Buffer.from(compact, 'base64') : undefined;
}

function startsWithPem(bytes: Buffer): boolean {
  return bytes.subarray(0, 64).toString('latin1').trimStart().startsWith('-----BEGIN ');
}

// Certificates stored as plain secrets for VM deployment through Microsoft.Compute,
// the practice before Key Vault had a certificates API, are base64 of
// {"data": <base64 PFX>, "dataType": "pfx", "password": ...}.
function unwrapLegacyJson(bytes: Buffer): DecodedValue {
  let wrapper: unknown;
  try {
    wrapper = JSON.parse(bytes.toString('utf8'));
  } catch {
    // No cause: JSON.parse quotes the text around the error, which is secret material.
    throw new BundleProblem('corrupt', 'the secret value is base64 of text that is neither JSON nor PEM');
  }

  const { data, password } = (wrapper ?? {}) as { data?: unknown; password?: unknown };
  if (typeof data !== 'string') {
    throw new BundleProblem('corrupt', 'the secret value is base64 of JSON without a "data" field holding a PFX');
  }
  const der = decodeStrictBase64(data);
  if (!der || der.length === 0) {
    throw new BundleProblem('corrupt', 'the "data" field of the JSON in the secret value is not a base64 PFX');
  }
  return {
    format: 'pkcs12',
    der,
    password: typeof password === 'string' ? password : undefined,
    warnings: ['legacy-json-wrapper'],
  };
}
