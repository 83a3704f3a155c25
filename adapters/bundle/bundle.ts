// Types of a parsed certificate secret: the leaf with its private key, the CA
// certificates that travel with it, and what is worth warning about.

/** One X.509 certificate as read from a secret, with the fields kvcert reports. */
export interface CertificateInfo {
  /** DER bytes exactly as stored in the secret. */
  der: Buffer;
  pem: string;
  /** SHA-1 of the DER bytes, upper-case hex, no separators (the Windows thumbprint). */
  thumbprint: string;
  /** RFC 2253 order, e.g. `CN=www.contoso.com,O=Contoso,C=US`. */
  subject: string;
  issuer: string;
  sanDns: string[];
  sanIp: string[];
  notBefore: Date;
  notAfter: Date;
  isCa: boolean;
  selfSigned: boolean;
}

/** A secret value parsed into what a store installs. Holds key material: never log it. */
export interface Bundle {
  format: 'pkcs12' | 'pem';
  leaf: CertificateInfo;
  /** CA certificates that are not self-signed, leaf side first: these go to the intermediate CA store. */
  intermediates: CertificateInfo[];
  /** Self-signed CA certificates found in the secret: never installed. */
  roots: CertificateInfo[];
  /** Certificates that are neither the leaf nor a CA certificate: never installed. */
  ignored?: CertificateInfo[];
  /** The leaf's private key as unencrypted PKCS#8 PEM. */
  privateKeyPem: string;
  /** `RSA 2048`, `EC P-256`, ... */
  keyType: string;
  /**
   * Conditions to report while still installing: `expired`, `not-yet-valid`,
   * `content-type-mismatch`, `base64-wrapped-pem`, `legacy-json-wrapper`,
   * `key-block-label-mismatch`, `extra-certificate-ignored`.
   */
  warnings: string[];
}

/** Stable, lower-case, hyphenated causes of a secret value that cannot be installed. */
export type BundleErrorCode =
  | 'empty'
  | 'password-required'
  | 'integrity-check-failed'
  | 'no-private-key'
  | 'no-certificate'
  | 'encrypted-key'
  | 'key-mismatch'
  | 'corrupt'
  | 'unsupported-content-type'
  | 'unsupported-key-type'
  | 'unsupported-algorithm';

/** A secret value that cannot be installed. The message never contains secret material. */
export class BundleError extends Error {
  override name = 'BundleError';
  readonly code: BundleErrorCode;
  /** The observed certificate whose secret value was rejected, when known. */
  readonly certificateUrl: string | undefined;

  constructor(code: BundleErrorCode, message: string, options?: ErrorOptions & { certificateUrl?: string }) {
    super(message, options);
    this.code = code;
    this.certificateUrl = options?.certificateUrl;
  }
}
