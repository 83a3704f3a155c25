// Turns a list-certificates.ps1 entry into a StoredCertificate. Subject, SAN names and expiry are
// read from the DER bytes here, because PowerShell formats them in the display language of Windows.
import { X509Certificate } from 'node:crypto';
import type { StoredCertificate } from '../store.ts';

/** One certificate as list-certificates.ps1 prints it. */
export interface ListedCertificate {
  thumbprint: string;
  hasPrivateKey: boolean;
  derBase64: string;
}

export function toStoredCertificate(entry: ListedCertificate): StoredCertificate {
  const certificate = new X509Certificate(Buffer.from(entry.derBase64, 'base64'));
  return {
    thumbprint: entry.thumbprint.toUpperCase(),
    subject: rfc2253Order(certificate.subject),
    sanDns: dnsNames(certificate.subjectAltName),
    notAfter: certificate.validToDate,
    hasPrivateKey: entry.hasPrivateKey,
  };
}

/** Node prints one RDN per line in certificate order; RFC 2253 writes them last first, comma-separated. */
function rfc2253Order(subject: string): string {
  return subject.split('\n').filter(Boolean).reverse().join(',');
}

/** Picks the DNS entries of Node's `DNS:a, IP Address:1.2.3.4` list; Node quotes names that contain separators. */
function dnsNames(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const entries = subjectAltName.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
  return entries
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => unquote(entry.slice('DNS:'.length)));
}

function unquote(value: string): string {
  return value.startsWith('"') ? String(JSON.parse(value)) : value;
}
