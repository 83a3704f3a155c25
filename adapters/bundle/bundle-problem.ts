// Rejections raised while a secret value is read, and their conversion to the public
// BundleError. The readers do not know the certificate URL, so they state only what is
// wrong. toBundleError adds the URL and what the user should do.
import { BundleError, type BundleErrorCode } from './bundle.ts';

/** A reason to reject a secret value. `message` is a clause such as "the secret value is empty". */
export class BundleProblem extends Error {
  override name = 'BundleProblem';
  readonly code: BundleErrorCode;

  constructor(code: BundleErrorCode, problem: string, options?: ErrorOptions) {
    super(problem, options);
    this.code = code;
  }
}

const reimport = 'Import the certificate into Key Vault again from the original PFX or PEM file.';

const remedies: Record<BundleErrorCode, string> = {
  'empty': 'Import the certificate into Key Vault again, or correct the URL in observedCertificates.',
  'password-required': 'Key Vault certificate secrets carry no password, ' +
    'so import the certificate into Key Vault again as a PFX with an empty password.',
  'integrity-check-failed': 'Correct the password in the JSON wrapper of the secret, ' +
    'or import the certificate through the Key Vault certificates API instead.',
  'no-private-key': 'Import the certificate into Key Vault together with its private key. ' +
    'For a certificate created in Key Vault, its policy must mark the key exportable.',
  'no-certificate': 'Import the certificate into Key Vault together with its private key as one PFX or PEM file.',
  'encrypted-key': 'Key Vault PEM secrets must contain an unencrypted private key, ' +
    'so import the certificate into Key Vault again without a passphrase on the key.',
  'key-mismatch': 'Import the certificate into Key Vault again together with the private key it was issued for.',
  'corrupt': reimport,
  'unsupported-content-type': 'Store the certificate through the Key Vault certificates API, ' +
    'which saves it as application/x-pkcs12 or application/x-pem-file.',
  'unsupported-key-type': 'Use a certificate with an RSA key or an EC key on a named curve (P-256, P-384 or P-521).',
  'unsupported-algorithm': 'Export the PFX again with AES-256-CBC and an HMAC-SHA256 MAC (the OpenSSL 3 defaults) ' +
    'or with 3DES and an HMAC-SHA1 MAC, and import it into Key Vault again.',
};

/** Builds the public error: what is wrong with the secret of `certificateUrl`, and what to do. */
export function toBundleError(problem: BundleProblem, certificateUrl: string): BundleError {
  const message = `Cannot install the certificate from ${certificateUrl} because ${problem.message}. ` +
    remedies[problem.code];
  return new BundleError(problem.code, message, { cause: problem.cause, certificateUrl });
}
