// Entry point of the bundle adapter: turns a Key Vault certificate secret value into
// a Bundle, or explains in a BundleError why it cannot be installed.
import type { Bundle } from './bundle.ts';
import { BundleProblem, toBundleError } from './bundle-problem.ts';
import { assembleBundle } from './assemble-bundle.ts';
import { readPem } from './pem.ts';
import { readPkcs12 } from './pkcs12.ts';
import { decodeSecretValue, formatOfContentType, type DecodedValue, type SecretFormat } from './secret-value.ts';

/**
 * Parses a secret value: base64 of a PFX with an empty password
 * (`application/x-pkcs12`) or PEM text with a private key and certificates
 * (`application/x-pem-file`). The format is detected from the content. A content type
 * that names the other format adds the warning `content-type-mismatch`. `now` is the
 * time the validity warnings are computed for.
 *
 * Throws BundleError, whose message names `certificateUrl` and never contains secret material.
 */
export function parseSecretValue(
  value: string,
  contentType: string | undefined,
  certificateUrl: string,
  now: Date = new Date(),
): Bundle {
  try {
    return parseValue(value, contentType, now);
  } catch (error) {
    if (error instanceof BundleProblem) throw toBundleError(error, certificateUrl);
    throw error;
  }
}

function parseValue(value: string, contentType: string | undefined, now: Date): Bundle {
  const labelled = formatOfContentType(contentType);
  const decoded = decode(value, contentType, labelled);

  const warnings = [...decoded.warnings];
  if (labelled && labelled !== decoded.format) warnings.unshift('content-type-mismatch');

  const contents = decoded.format === 'pkcs12' ? readPkcs12(decoded.der, decoded.password) : readPem(decoded.text);
  return assembleBundle(decoded.format, contents, warnings, now);
}

// Unreadable content under a content type that names neither format is reported as
// that content type, since it is more likely a plain secret than a damaged certificate.
function decode(value: string, contentType: string | undefined, labelled: SecretFormat | undefined): DecodedValue {
  try {
    return decodeSecretValue(value);
  } catch (error) {
    const unknownLabel = contentType !== undefined && contentType.trim() !== '' && labelled === undefined;
    if (!(error instanceof BundleProblem) || error.code !== 'corrupt' || !unknownLabel) throw error;

    throw new BundleProblem('unsupported-content-type',
      `the secret has content type "${contentType.slice(0, 100)}" and its value is neither a base64 PFX nor PEM text`,
      { cause: error });
  }
}
