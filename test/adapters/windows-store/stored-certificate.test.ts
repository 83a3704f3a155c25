import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { toStoredCertificate } from '../../../adapters/windows-store/stored-certificate.ts';
import { createTestChain } from './test-chain.ts';

const stored = suite('stored certificate');

stored('fields come from the DER bytes', () => {
  const { bundle } = createTestChain('ec', 'www.listed.example');

  const certificate = toStoredCertificate({ thumbprint: bundle.leaf.thumbprint.toLowerCase(), hasPrivateKey: true, derBase64: bundle.leaf.der.toString('base64') });

  assert.equal(certificate, {
    thumbprint: bundle.leaf.thumbprint,
    subject: 'CN=www.listed.example',
    sanDns: ['www.listed.example'],
    notAfter: bundle.leaf.notAfter,
    hasPrivateKey: true,
  });
});

stored('CA certificate without SAN has no DNS names', () => {
  const { bundle } = createTestChain('rsa', 'www.listed.example');

  const certificate = toStoredCertificate({ thumbprint: bundle.intermediates[0].thumbprint, hasPrivateKey: false, derBase64: bundle.intermediates[0].der.toString('base64') });

  assert.is(certificate.subject, 'CN=kvcert Test Intermediate');
  assert.equal(certificate.sanDns, []);
  assert.is(certificate.hasPrivateKey, false);
});

stored('DNS name that Node quotes is unquoted', () => {
  const { bundle } = createTestChain('rsa', 'odd,name.example');

  const certificate = toStoredCertificate({ thumbprint: bundle.leaf.thumbprint, hasPrivateKey: false, derBase64: bundle.leaf.der.toString('base64') });

  assert.equal(certificate.sanDns, ['odd,name.example']);
});

stored.run();
