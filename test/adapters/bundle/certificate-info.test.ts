import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { loadCertificate } from '../../../adapters/bundle/certificate-info.ts';
import { toRfc2253 } from '../../../adapters/bundle/distinguished-name.ts';
import { readSubjectAltNames } from '../../../adapters/bundle/subject-alt-name.ts';
import { OpensslWorkspace } from './openssl-fixtures.ts';

const workspace = new OpensslWorkspace();

function derOf(name: string): Buffer {
  return workspace.run(['x509', '-in', `${name}.crt`, '-outform', 'DER']);
}

const info = suite('loadCertificate');

info('subject and issuer match openssl RFC 2253 output', () => {
  const issuer = workspace.issue('issuer', { subject: '/C=US/O=Test PKI/CN=Issuer, Inc', ca: true });
  const leaf = workspace.issue('names', {
    subject: '/C=DE/O=Müller \\+ Söhne+OU=Web/CN=héllo "quoted" #1',
    issuer,
  });

  const loaded = loadCertificate(derOf('names'));

  assert.is(loaded.info.subject, workspace.rfc2253Subject(leaf));
  assert.is(loaded.info.issuer, workspace.rfc2253Subject(issuer));
});

info('subject alternative names in certificate order', () => {
  workspace.issue('san', {
    subject: '/CN=san.test',
    extensions: ['subjectAltName=DNS:*.san.test,IP:192.0.2.7,email:ops@san.test,DNS:san.test,IP:2001:db8::1'],
  });

  const loaded = loadCertificate(derOf('san'));

  assert.equal(loaded.info.sanDns, ['*.san.test', 'san.test']);
  assert.equal(loaded.info.sanIp, ['192.0.2.7', '2001:DB8:0:0:0:0:0:1']);
});

info('thumbprint, CA flag and self-signed test', () => {
  workspace.issue('ca', { subject: '/CN=Self CA', ca: true });
  const der = derOf('ca');

  const loaded = loadCertificate(der);

  assert.is(loaded.info.thumbprint, createHash('sha1').update(der).digest('hex').toUpperCase());
  assert.ok(loaded.info.der.equals(der));
  assert.ok(loaded.info.isCa);
  assert.ok(loaded.info.selfSigned);
  assert.match(loaded.info.pem, /^-----BEGIN CERTIFICATE-----\n/);
});

info('same name under another key is not self-signed', () => {
  // Subject equals issuer, but another key signed it: a re-keyed CA or a cross certificate.
  const signer = workspace.issue('signer', { subject: '/CN=Same Name', ca: true });
  workspace.issue('same-name', { subject: '/CN=Same Name', ca: true, issuer: signer });

  const loaded = loadCertificate(derOf('same-name'));

  assert.is(loaded.info.subject, loaded.info.issuer);
  assert.not.ok(loaded.info.selfSigned);
});

info('validity dates are Date objects', () => {
  workspace.issue('dates', { subject: '/CN=dates.test' });
  const text = workspace.run(['x509', '-in', 'dates.crt', '-noout', '-enddate']).toString('utf8');

  const loaded = loadCertificate(derOf('dates'));

  assert.is(loaded.info.notAfter.getTime(), new Date(text.replace('notAfter=', '').trim()).getTime());
  assert.ok(loaded.info.notBefore < loaded.info.notAfter);
});

info('bytes that are no certificate are corrupt', () => {
  assert.throws(() => loadCertificate(Buffer.from('3003020101', 'hex')), (error: Error & { code?: string }) =>
    error.code === 'corrupt');
});

info.after(() => workspace.remove());
info.run();

const names = suite('toRfc2253');

names('reverses RDNs and multi-valued attributes', () => {
  assert.is(toRfc2253('C=US\nOU=Unit + O=Contoso\nCN=www'), 'CN=www,O=Contoso+OU=Unit,C=US');
});

names('keeps escapes as they are', () => {
  assert.is(toRfc2253('O=Con\\, toso\nCN=a \\+ b'), 'CN=a \\+ b,O=Con\\, toso');
});

names.run();

const altNames = suite('readSubjectAltNames');

altNames('reads quoted values and skips other types', () => {
  const text = 'DNS:a.test, DirName:"CN=x\\u002cO=y", othername:UPN:user@x, DNS:"we\\u002cird", IP Address:10.0.0.1';

  const parsed = readSubjectAltNames(text);

  assert.equal(parsed.dns, ['a.test', 'we,ird']);
  assert.equal(parsed.ip, ['10.0.0.1']);
});

altNames('no extension gives empty lists', () => {
  assert.equal(readSubjectAltNames(undefined), { dns: [], ip: [] });
});

altNames.run();
