import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrivateKey } from 'node:crypto';
import { BundleProblem } from '../../../adapters/bundle/bundle-problem.ts';
import { readPem } from '../../../adapters/bundle/pem.ts';
import { corpusValue } from './corpus-files.ts';
import { OpensslWorkspace } from './openssl-fixtures.ts';

const workspace = new OpensslWorkspace();
const rsaLeaf = workspace.issue('rsa', { subject: '/CN=rsa.test', keyAlgorithm: 'RSA 2048' });
const ecLeaf = workspace.issue('ec', { subject: '/CN=ec.test', keyAlgorithm: 'EC P-384' });

function problemOf(text: string): BundleProblem {
  try {
    readPem(text);
  } catch (error) {
    if (error instanceof BundleProblem) return error;
    throw error;
  }
  assert.unreachable('readPem returned, but a BundleProblem was expected');
  throw new Error('unreachable');
}

function blockOf(der: Buffer, label: string): string {
  const lines = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN ${label}-----\n${lines}\n-----END ${label}-----\n`;
}

const pem = suite('readPem');

pem('reads every key encoding by its label', () => {
  const rsaKey = createPrivateKey(rsaLeaf.keyPem);
  const ecKey = createPrivateKey(ecLeaf.keyPem);
  const blocks = [
    rsaKey.export({ type: 'pkcs8', format: 'pem' }),
    rsaKey.export({ type: 'pkcs1', format: 'pem' }),
    ecKey.export({ type: 'sec1', format: 'pem' }),
  ].join('');

  const contents = readPem(blocks);

  assert.equal(contents.privateKeys.map((key) => key.asymmetricKeyType), ['rsa', 'rsa', 'ec']);
  assert.equal(contents.warnings, []);
});

pem('PKCS#1 under a PKCS#8 label is read with a warning', () => {
  const pkcs1 = createPrivateKey(rsaLeaf.keyPem).export({ type: 'pkcs1', format: 'der' });

  const contents = readPem(blockOf(pkcs1, 'PRIVATE KEY') + rsaLeaf.certificatePem);

  assert.is(contents.privateKeys.length, 1);
  assert.equal(contents.warnings, ['key-block-label-mismatch']);
});

pem('EC PARAMETERS block before the key is skipped', () => {
  workspace.run(['ecparam', '-name', 'secp384r1', '-out', 'params.pem']);
  const parameters = workspace.read('params.pem').toString('utf8');
  const sec1 = createPrivateKey(ecLeaf.keyPem).export({ type: 'sec1', format: 'pem' });

  const contents = readPem(parameters + sec1 + ecLeaf.certificatePem);

  assert.is(contents.privateKeys.length, 1);
  assert.is(contents.certificates.length, 1);
});

pem('traditional encrypted key is rejected', () => {
  workspace.run(['rsa', '-in', 'rsa.key', '-traditional', '-aes256', '-passout', 'pass:secret-phrase', '-out', 'enc.pem']);
  const encrypted = workspace.read('enc.pem').toString('utf8');
  assert.match(encrypted, 'Proc-Type: 4,ENCRYPTED');

  const problem = problemOf(encrypted + rsaLeaf.certificatePem);

  assert.is(problem.code, 'encrypted-key');
  assert.match(problem.message, 'Proc-Type: 4,ENCRYPTED');
});

pem('PKCS#8 encrypted key is rejected', () => {
  const problem = problemOf(corpusValue('pem-encrypted-pkcs8'));

  assert.is(problem.code, 'encrypted-key');
  assert.match(problem.message, 'BEGIN ENCRYPTED PRIVATE KEY');
});

pem('unknown private key label is unsupported', () => {
  const problem = problemOf('-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n');

  assert.is(problem.code, 'unsupported-key-type');
  assert.match(problem.message, 'BEGIN OPENSSH PRIVATE KEY');
});

pem('key block that is no key is corrupt', () => {
  const problem = problemOf(blockOf(Buffer.from('not a key at all'), 'PRIVATE KEY'));

  assert.is(problem.code, 'corrupt');
});

pem('mismatched BEGIN and END labels are corrupt', () => {
  const text = rsaLeaf.certificatePem.replace('END CERTIFICATE', 'END PRIVATE KEY');

  assert.is(problemOf(text).code, 'corrupt');
});

pem('invalid base64 inside a block is corrupt', () => {
  const text = rsaLeaf.certificatePem.replace(/\n(.)/, '\n*$1');

  const problem = problemOf(text);

  assert.is(problem.code, 'corrupt');
  assert.match(problem.message, 'BEGIN CERTIFICATE');
});

pem('BEGIN line with trailing spaces is read', () => {
  const text = rsaLeaf.certificatePem.replace('-----BEGIN CERTIFICATE-----', '-----BEGIN CERTIFICATE-----  ');

  assert.is(readPem(text).certificates.length, 1);
});

pem('certificates keep their DER bytes', () => {
  const contents = readPem(rsaLeaf.certificatePem);
  const der = workspace.run(['x509', '-in', 'rsa.crt', '-outform', 'DER']);

  assert.ok(contents.certificates[0].equals(der));
});

pem.after(() => workspace.remove());
pem.run();
