import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BundleError, type Bundle } from '../../../adapters/bundle/bundle.ts';
import { parseSecretValue } from '../../../adapters/bundle/parse-secret.ts';
import { corpusCase, corpusValue } from './corpus-files.ts';

const url = 'https://contoso.vault.azure.net/secrets/web';
const pkcs12 = 'application/x-pkcs12';
const pem = 'application/x-pem-file';
const now = new Date('2027-01-01T00:00:00Z');

function parse(value: string, contentType: string | undefined = undefined, at = now): Bundle {
  return parseSecretValue(value, contentType, url, at);
}

function rejection(value: string, contentType?: string): BundleError {
  try {
    parse(value, contentType);
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  assert.unreachable('the value parsed, but a BundleError was expected');
  throw new Error('unreachable');
}

/** PEM text of a parsed bundle's key and certificates, in the order given. */
function pemOf(parts: string[]): string {
  return parts.map((part) => part.trimEnd() + '\n').join('');
}

const chainPfx = corpusValue('pfx-chain2-root');
const chainBundle = parse(chainPfx, pkcs12);
const pemValue = corpusValue('pem-pkcs8-rsa2048-chain1');
const pemThumbprint = corpusCase('pem-pkcs8-rsa2048-chain1').thumbprint;

const contentType = suite('parseSecretValue content type');

contentType('PFX labelled as PEM parses with a warning', () => {
  const bundle = parse(chainPfx, pem);

  assert.is(bundle.format, 'pkcs12');
  assert.is(bundle.leaf.thumbprint, chainBundle.leaf.thumbprint);
  assert.equal(bundle.warnings, ['content-type-mismatch']);
});

contentType('PEM labelled as PFX parses with a warning', () => {
  const bundle = parse(pemValue, pkcs12);

  assert.is(bundle.format, 'pem');
  assert.is(bundle.leaf.thumbprint, pemThumbprint);
  assert.equal(bundle.warnings, ['content-type-mismatch']);
});

contentType('missing content type is detected without warning', () => {
  assert.is(parse(chainPfx, undefined).format, 'pkcs12');
  assert.is(parse(pemValue, undefined).format, 'pem');
  assert.equal(parse(pemValue, '').warnings, []);
});

contentType('unknown content type is detected without warning', () => {
  const bundle = parse(pemValue, 'application/octet-stream');

  assert.is(bundle.format, 'pem');
  assert.equal(bundle.warnings, []);
});

contentType('content type with parameters and capitals matches', () => {
  assert.equal(parse(pemValue, 'Application/X-PEM-File; charset=utf-8').warnings, []);
});

contentType('unknown content type over unreadable text is unsupported', () => {
  const error = rejection('just a password', 'text/plain');

  assert.is(error.code, 'unsupported-content-type');
  assert.match(error.message, '"text/plain"');
});

contentType.run();

const pemLayout = suite('parseSecretValue PEM layout');

pemLayout('CRLF line ends parse like LF', () => {
  const bundle = parse(pemValue.replace(/\n/g, '\r\n'), pem);

  assert.is(bundle.leaf.thumbprint, pemThumbprint);
  assert.is(bundle.intermediates.length, 1);
});

pemLayout('Bag Attributes text between blocks is skipped', () => {
  const withAttributes = pemValue.replace(/-----BEGIN /g,
    'Bag Attributes\n    localKeyID: 01 00 00 00 \n    friendlyName: web\nsubject=CN=x\n-----BEGIN ');

  const bundle = parse(withAttributes, pem);

  assert.is(bundle.leaf.thumbprint, pemThumbprint);
  assert.equal(bundle.warnings, []);
});

pemLayout('chain in reverse order is sorted leaf side first', () => {
  const [issuing, intermediate] = chainBundle.intermediates;
  const reversed = pemOf([chainBundle.roots[0].pem, intermediate.pem, issuing.pem, chainBundle.leaf.pem,
    chainBundle.privateKeyPem]);

  const bundle = parse(reversed, pem);

  assert.is(bundle.leaf.thumbprint, chainBundle.leaf.thumbprint);
  assert.equal(bundle.intermediates.map((certificate) => certificate.thumbprint),
    [issuing.thumbprint, intermediate.thumbprint]);
  assert.equal(bundle.roots.map((certificate) => certificate.thumbprint), [chainBundle.roots[0].thumbprint]);
});

pemLayout('issuing CA is the first intermediate', () => {
  const [issuing, intermediate] = chainBundle.intermediates;

  assert.is(chainBundle.leaf.issuer, issuing.subject);
  assert.is(issuing.issuer, intermediate.subject);
  assert.is(intermediate.issuer, chainBundle.roots[0].subject);
});

pemLayout('base64 of PEM text parses with a warning', () => {
  const bundle = parse(Buffer.from(pemValue).toString('base64'), pem);

  assert.is(bundle.format, 'pem');
  assert.is(bundle.leaf.thumbprint, pemThumbprint);
  assert.equal(bundle.warnings, ['base64-wrapped-pem']);
});

pemLayout('non-CA certificate besides the leaf is ignored', () => {
  const other = parse(corpusValue('pem-rsa-traditional'), pem).leaf;

  const bundle = parse(pemValue + other.pem, pem);

  assert.equal(bundle.ignored?.map((certificate) => certificate.thumbprint), [other.thumbprint]);
  assert.is(bundle.intermediates.length, 1);
  assert.equal(bundle.warnings, ['extra-certificate-ignored']);
});

pemLayout('repeated certificate counts once', () => {
  const bundle = parse(pemValue + chainBundle.intermediates[1].pem, pem);

  assert.is(bundle.intermediates.length, 1);
});

pemLayout.run();

const legacy = suite('parseSecretValue legacy JSON wrapper');

function wrap(data: string, password?: string): string {
  return Buffer.from(JSON.stringify({ data, dataType: 'pfx', password })).toString('base64');
}

legacy('wrapped PFX with an empty password parses', () => {
  const bundle = parse(wrap(chainPfx, ''), pkcs12);

  assert.is(bundle.leaf.thumbprint, chainBundle.leaf.thumbprint);
  assert.equal(bundle.warnings, ['legacy-json-wrapper']);
});

legacy('wrapper password opens a password-protected PFX', () => {
  const protectedCase = corpusCase('pfx-rsa2048-password-required');
  const value = wrap(corpusValue(protectedCase.id), protectedCase.pfxPassword);

  const bundle = parse(value, pkcs12);

  assert.is(bundle.keyType, 'RSA 2048');
  assert.equal(bundle.warnings, ['legacy-json-wrapper']);
});

legacy('wrong wrapper password fails the integrity check', () => {
  const error = rejection(wrap(corpusValue('pfx-rsa2048-password-required'), 'wrong'), pkcs12);

  assert.is(error.code, 'integrity-check-failed');
  assert.not.match(error.message, 'wrong');
});

legacy('invalid JSON is corrupt without quoting it', () => {
  const value = Buffer.from('{"data": s3cret-material}').toString('base64');

  const error = rejection(value, pkcs12);

  assert.is(error.code, 'corrupt');
  assert.is(error.cause, undefined);
  assert.not.match(error.message, 's3cret');
});

legacy('wrapper without data is corrupt', () => {
  const error = rejection(Buffer.from('{"dataType":"pfx"}').toString('base64'), pkcs12);

  assert.is(error.code, 'corrupt');
});

legacy.run();

const validity = suite('parseSecretValue validity warnings');

validity('leaf after notAfter is expired', () => {
  const bundle = parse(pemValue, pem, new Date('2034-01-01T00:00:00Z'));

  assert.equal(bundle.warnings, ['expired']);
});

validity('leaf before notBefore is not yet valid', () => {
  const bundle = parse(pemValue, pem, new Date('2025-12-31T23:59:59Z'));

  assert.equal(bundle.warnings, ['not-yet-valid']);
});

validity('leaf at notAfter is still valid', () => {
  const notAfter = parse(pemValue, pem).leaf.notAfter;

  assert.equal(parse(pemValue, pem, notAfter).warnings, []);
});

validity('current time is the default', () => {
  const bundle = parseSecretValue(corpusValue('pfx-rsa2048-expired'), pkcs12, url);

  assert.ok(bundle.warnings.includes('expired'));
});

validity.run();

const errors = suite('parseSecretValue errors');

errors('empty value gives the exact message', () => {
  const error = rejection('', pkcs12);

  assert.is(error.code, 'empty');
  assert.is(error.message, `Cannot install the certificate from ${url} because the secret value is empty. ` +
    'Import the certificate into Key Vault again, or correct the URL in observedCertificates.');
});

errors('whitespace-only value is empty', () => {
  assert.is(rejection(' \r\n', pem).code, 'empty');
});

errors('value that is not base64 is corrupt', () => {
  const error = rejection('MIIK*not base64*', pkcs12);

  assert.is(error.code, 'corrupt');
  assert.match(error.message, 'neither PEM text nor valid base64');
});

errors('truncated PFX is corrupt', () => {
  const der = Buffer.from(chainPfx, 'base64');
  const truncated = der.subarray(0, Math.floor(der.length / 2)).toString('base64');

  const error = rejection(truncated, pkcs12);

  assert.is(error.code, 'corrupt');
  assert.match(error.message, 'not a readable PFX');
});

errors('base64 of random bytes is corrupt', () => {
  assert.is(rejection(Buffer.from('0123456789abcdef').toString('base64'), pkcs12).code, 'corrupt');
});

errors('DER certificate alone has no private key', () => {
  const error = rejection(chainBundle.leaf.der.toString('base64'), pkcs12);

  assert.is(error.code, 'no-private-key');
  assert.match(error.message, 'single DER certificate');
});

errors('PEM with a key but no certificate', () => {
  const error = rejection(chainBundle.privateKeyPem, pem);

  assert.is(error.code, 'no-certificate');
  assert.match(error.message, 'the PEM contains no certificate');
});

errors('key of another certificate is a mismatch', () => {
  const otherKey = parse(corpusValue('pem-rsa-traditional'), pem).privateKeyPem;
  const certificatesOnly = pemValue.replace(/-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----\n/, '');

  const error = rejection(otherKey + certificatesOnly, pem);

  assert.is(error.code, 'key-mismatch');
  assert.match(error.message, 'no certificate in the secret value matches the private key');
});

errors('PEM block without END is corrupt', () => {
  const error = rejection(pemValue + '-----BEGIN CERTIFICATE-----\nMIIB\n', pem);

  assert.is(error.code, 'corrupt');
  assert.match(error.message, 'has no END line');
});

errors('messages name the URL and what to do', () => {
  const error = rejection(corpusValue('pfx-rsa2048-password-required'), pkcs12);

  assert.is(error.code, 'password-required');
  assert.is(error.message, `Cannot install the certificate from ${url} because the PFX is protected by a password ` +
    '(its MAC does not verify with an empty password). Key Vault certificate secrets carry no password, ' +
    'so import the certificate into Key Vault again as a PFX with an empty password.');
});

errors.run();
