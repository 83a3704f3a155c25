// Describes one certificate with Node's X509Certificate: the fields kvcert reports
// and the parsed object the leaf and chain steps compare keys and names with.
import { createHash, X509Certificate } from 'node:crypto';
import type { CertificateInfo } from './bundle.ts';
import { BundleProblem } from './bundle-problem.ts';
import { toRfc2253 } from './distinguished-name.ts';
import { readSubjectAltNames } from './subject-alt-name.ts';

/** A certificate from the secret: its reported fields and Node's parsed object. */
export interface LoadedCertificate {
  info: CertificateInfo;
  x509: X509Certificate;
}

/** Parses DER bytes exactly as stored in the secret. Throws BundleProblem `corrupt`. */
export function loadCertificate(der: Buffer): LoadedCertificate {
  const x509 = parseCertificate(der);
  const altNames = readSubjectAltNames(x509.subjectAltName);

  const info: CertificateInfo = {
    der,
    pem: x509.toString(),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    subject: toRfc2253(x509.subject),
    issuer: toRfc2253(x509.issuer),
    sanDns: altNames.dns,
    sanIp: altNames.ip,
    notBefore: x509.validFromDate,
    notAfter: x509.validToDate,
    isCa: x509.ca,
    selfSigned: isSelfSigned(x509),
  };
  return { info, x509 };
}

function parseCertificate(der: Buffer): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (error) {
    throw new BundleProblem('corrupt', 'a certificate in the secret value is not a readable X.509 certificate', { cause: error });
  }
}

// Issuer name (and key identifiers) match its own, and its own key verifies its signature.
function isSelfSigned(x509: X509Certificate): boolean {
  try {
    return x509.checkIssued(x509) && x509.verify(x509.publicKey);
  } catch {
    return false;
  }
}
