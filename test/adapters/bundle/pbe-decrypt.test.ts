import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import forge from 'node-forge';
import { BundleProblem } from '../../../adapters/bundle/bundle-problem.ts';
import { decryptWithPbe } from '../../../adapters/bundle/pbe-decrypt.ts';
import { maxIterations, readPbeParameters } from '../../../adapters/bundle/pbe-parameters.ts';
import { OpensslWorkspace } from './openssl-fixtures.ts';

const decryption = suite('password-based decryption with Node crypto');

const workspace = new OpensslWorkspace();
workspace.run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'key.pem']);
const plainPkcs8 = workspace.run(['pkcs8', '-topk8', '-nocrypt', '-in', 'key.pem', '-outform', 'DER']);

/** Encrypts the test key as EncryptedPrivateKeyInfo with openssl and returns its algorithm and ciphertext. */
function encrypted(options: string[], password = ''): { oid: string; params: forge.asn1.Asn1; ciphertext: Buffer } {
  const der = workspace.run(['pkcs8', '-topk8', '-in', 'key.pem', '-outform', 'DER', '-passout', `pass:${password}`, ...options]);
  const [algorithm, data] = forge.asn1.fromDer(der.toString('latin1')).value as forge.asn1.Asn1[];
  const [oidNode, params] = algorithm.value as forge.asn1.Asn1[];
  return { oid: forge.asn1.derToOid(oidNode.value as string), params, ciphertext: Buffer.from(data.value as string, 'latin1') };
}

const schemes: Array<[string, string[], string]> = [
  ['PKCS#12 3DES', ['-v1', 'PBE-SHA1-3DES'], 'pkcs12-3des'],
  ['PKCS#12 RC2-40', ['-v1', 'PBE-SHA1-RC2-40', '-provider', 'legacy', '-provider', 'default'], 'pkcs12-rc2-40'],
  ['PBES2 AES-128 with HMAC-SHA1', ['-v2', 'aes-128-cbc', '-v2prf', 'hmacWithSHA1'], 'pbes2'],
  ['PBES2 AES-192 with HMAC-SHA256', ['-v2', 'aes-192-cbc', '-v2prf', 'hmacWithSHA256'], 'pbes2'],
  ['PBES2 AES-256 with HMAC-SHA512', ['-v2', 'aes-256-cbc', '-v2prf', 'hmacWithSHA512'], 'pbes2'],
  ['PBES2 3DES', ['-v2', 'des3'], 'pbes2'],
];

for (const [name, options, scheme] of schemes) {
  decryption(`${name} gives openssl's plaintext`, () => {
    const part = encrypted(options);

    const parameters = readPbeParameters(part.oid, part.params);

    assert.is(parameters?.scheme, scheme);
    assert.equal(decryptWithPbe(parameters!, part.ciphertext, '')?.toString('hex'), plainPkcs8.toString('hex'));
  });
}

decryption('password from a JSON wrapper is used', () => {
  const part = encrypted(['-v1', 'PBE-SHA1-3DES'], 'Päss word');

  const plaintext = decryptWithPbe(readPbeParameters(part.oid, part.params)!, part.ciphertext, 'Päss word');

  assert.equal(plaintext?.toString('hex'), plainPkcs8.toString('hex'));
});

decryption('wrong password gives no plaintext', () => {
  const part = encrypted(['-v2', 'aes-256-cbc'], 'secret');

  assert.is(decryptWithPbe(readPbeParameters(part.oid, part.params)!, part.ciphertext, ''), undefined);
});

decryption('scheme kvcert leaves to forge is not read', () => {
  const part = encrypted(['-v2', 'camellia-256-cbc']);

  assert.is(readPbeParameters(part.oid, part.params), undefined);
});

decryption('iteration count above the limit is rejected', () => {
  const part = encrypted(['-v1', 'PBE-SHA1-3DES']);
  const [, iterations] = part.params.value as forge.asn1.Asn1[];
  iterations.value = forge.asn1.integerToDer(maxIterations + 1).getBytes();

  try {
    readPbeParameters(part.oid, part.params);
    assert.unreachable('expected the iteration count to be rejected');
  } catch (error) {
    assert.instance(error, BundleProblem);
    assert.is((error as BundleProblem).code, 'unsupported-algorithm');
    assert.match((error as BundleProblem).message, `asks for ${maxIterations + 1} key derivation iterations`);
  }
});

decryption.after(() => workspace.remove());
decryption.run();
