// Converts the distinguished names Node prints into RFC 2253 order, as `openssl x509
// -nameopt RFC2253,utf8,-esc_msb` prints them: `CN=www.contoso.com,O=Contoso,C=US`.
//
// Node's X509Certificate.subject (OpenSSL's multiline format) puts one RDN per line in
// certificate order and joins the attributes of a multi-valued RDN with " + ". Values
// are already escaped as RFC 2253 requires, so a value cannot contain a bare newline or
// " + ", and reversing every attribute gives OpenSSL's RFC 2253 output.

/** Rewrites Node's multiline name into RFC 2253 order and separators. */
export function toRfc2253(multilineName: string): string {
  return multilineName
    .split('\n')
    .filter((line) => line !== '')
    .reverse()
    .map((rdn) => rdn.split(' + ').reverse().join('+'))
    .join(',');
}
