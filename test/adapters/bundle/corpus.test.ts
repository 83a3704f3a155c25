// Runs parseSecretValue over every case of the shared certificate-secret corpus (the
// folder `shared/corpus` beside the repository) and compares with its manifest.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { BundleError, type Bundle } from '../../../adapters/bundle/bundle.ts';
import { parseSecretValue } from '../../../adapters/bundle/parse-secret.ts';
import { readPkcs12 } from '../../../adapters/bundle/pkcs12.ts';
import { corpusCases, corpusValue, type CorpusCase } from './corpus-files.ts';

// Every leaf in the corpus is valid on this date except the one meant to be expired.
const now = new Date('2027-01-01T00:00:00Z');

const corpus = suite('certificate secret corpus');

function urlOf(testCase: CorpusCase): string {
  return `https://corpus.vault.azure.net/secrets/${testCase.id}`;
}

function readValue(testCase: CorpusCase): string {
  return corpusValue(testCase.id);
}

function sorted(values: string[]): string[] {
  return [...values].sort();
}

function parseError(testCase: CorpusCase): BundleError {
  try {
    parseSecretValue(readValue(testCase), testCase.contentType, urlOf(testCase), now);
  } catch (error) {
    if (error instanceof BundleError) return error;
    throw error;
  }
  assert.unreachable(`${testCase.id} parsed, but the manifest expects an error`);
  throw new Error('unreachable');
}

function checkLeaf(bundle: Bundle, testCase: CorpusCase): void {
  assert.is(bundle.format, testCase.detectedFormat, 'detectedFormat');
  assert.is(bundle.leaf.thumbprint, testCase.thumbprint, 'thumbprint');
  assert.is(bundle.leaf.subject, testCase.subject, 'subject');
  assert.equal(bundle.leaf.sanDns, testCase.sanDns, 'sanDns');
  assert.equal(bundle.leaf.sanIp, testCase.sanIp, 'sanIp');
  assert.is(bundle.leaf.notBefore.toISOString(), new Date(testCase.notBefore!).toISOString(), 'notBefore');
  assert.is(bundle.leaf.notAfter.toISOString(), new Date(testCase.notAfter!).toISOString(), 'notAfter');
  assert.is(bundle.keyType, testCase.keyType, 'keyType');
}

function checkChain(bundle: Bundle, testCase: CorpusCase): void {
  const intermediates = bundle.intermediates.map((certificate) => certificate.thumbprint);
  assert.is(intermediates.length, testCase.intermediates, 'intermediates');
  assert.equal(sorted(intermediates), sorted(testCase.intermediateThumbprints!), 'intermediateThumbprints');
  assert.is(bundle.roots.length > 0, testCase.rootPresent, 'rootPresent');
  assert.is(bundle.roots[0]?.thumbprint ?? null, testCase.rootThumbprint, 'rootThumbprint');
  if (testCase.ignoredThumbprints) {
    const ignored = (bundle.ignored ?? []).map((certificate) => certificate.thumbprint);
    assert.equal(sorted(ignored), sorted(testCase.ignoredThumbprints), 'ignoredThumbprints');
  }
}

for (const testCase of corpusCases.filter((entry) => entry.expected === 'ok')) {
  corpus(`${testCase.id} parses as the manifest says`, () => {
    const bundle = parseSecretValue(readValue(testCase), testCase.contentType, urlOf(testCase), now);

    checkLeaf(bundle, testCase);
    checkChain(bundle, testCase);
    assert.equal(sorted(bundle.warnings), sorted(testCase.warnings!), 'warnings');
  });

  corpus(`${testCase.id} private key is the leaf's, as PKCS#8`, () => {
    const bundle = parseSecretValue(readValue(testCase), testCase.contentType, urlOf(testCase), now);

    assert.match(bundle.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.ok(new X509Certificate(bundle.leaf.der).checkPrivateKey(createPrivateKey(bundle.privateKeyPem)));
  });
}

for (const testCase of corpusCases.filter((entry) => entry.expected === 'error')) {
  corpus(`${testCase.id} is rejected with ${testCase.errorCode}`, () => {
    const error = parseError(testCase);
    const accepted = [testCase.errorCode!, ...(testCase.acceptedErrorCodes ?? [])];

    assert.ok(accepted.includes(error.code), `code ${error.code} is not one of ${accepted.join(', ')}`);
    assert.ok(error.message.includes(urlOf(testCase)), 'the message names the certificate URL');
    assert.is(error.certificateUrl, urlOf(testCase));
  });
}

corpus('password case opens with its real password', () => {
  const testCase = corpusCases.find((entry) => entry.pfxPassword !== undefined)!;
  const der = Buffer.from(readValue(testCase), 'base64');

  const contents = readPkcs12(der, testCase.pfxPassword);

  assert.is(contents.privateKeys.length, 1);
  assert.ok(contents.certificates.length >= 1);
});

corpus('encrypted-key case decrypts with its passphrase', () => {
  const testCase = corpusCases.find((entry) => entry.keyPassword !== undefined)!;

  const key = createPrivateKey({ key: readValue(testCase), format: 'pem', passphrase: testCase.keyPassword });

  assert.is(key.type, 'private');
});

corpus('error messages hold no secret material', () => {
  for (const testCase of corpusCases.filter((entry) => entry.expected === 'error')) {
    const value = readValue(testCase).replace(/-----[A-Z ]+-----/g, '');
    const message = parseError(testCase).message;

    for (const line of value.split(/\s+/).filter((part) => part.length >= 16)) {
      assert.not.ok(message.includes(line.slice(0, 16)), `${testCase.id} message quotes the secret value`);
    }
    if (testCase.pfxPassword) assert.not.ok(message.includes(testCase.pfxPassword));
    if (testCase.keyPassword) assert.not.ok(message.includes(testCase.keyPassword));
  }
});

corpus.run();
