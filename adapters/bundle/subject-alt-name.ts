// Reads DNS names and IP addresses from Node's X509Certificate.subjectAltName text:
// entries such as `DNS:a.test, IP Address:192.0.2.10`, joined by ", ". Node writes a
// value that contains a comma, quote or other special character as a JSON string, so
// an unquoted value never contains ", ". IP addresses come out as OpenSSL prints them
// (IPv6 as eight upper-case hex groups without zero compression).

const entryPattern = /(?<=^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?=, |$)/g;

/** DNS and IP subject alternative names, in certificate order. */
export interface SubjectAltNames {
  dns: string[];
  ip: string[];
}

/** Parses Node's subjectAltName text; undefined (no extension) gives empty lists. */
export function readSubjectAltNames(text: string | undefined): SubjectAltNames {
  const names: SubjectAltNames = { dns: [], ip: [] };
  if (!text) return names;

  for (const [, type, rawValue] of text.matchAll(entryPattern)) {
    const value = rawValue.startsWith('"') ? (JSON.parse(rawValue) as string) : rawValue;
    if (type === 'DNS') names.dns.push(value);
    if (type === 'IP Address') names.ip.push(value);
  }
  return names;
}
