import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createPrivateKey } from 'node:crypto';
import { loadCertificate, type LoadedCertificate } from '../../../adapters/bundle/certificate-info.ts';
import { sortChain } from '../../../adapters/bundle/chain.ts';
import { findLeaf } from '../../../adapters/bundle/leaf.ts';
import { BundleProblem } from '../../../adapters/bundle/bundle-problem.ts';
import { OpensslWorkspace, type Issued } from './openssl-fixtures.ts';

const workspace = new OpensslWorkspace();
const root = workspace.issue('root', { subject: '/CN=Chain Root', ca: true });
const upper = workspace.issue('upper', { subject: '/CN=Chain Upper CA', ca: true, issuer: root });
const lower = workspace.issue('lower', { subject: '/CN=Chain Lower CA', ca: true, issuer: upper });
const leaf = workspace.issue('leaf', { subject: '/CN=chain.test', issuer: lower });
const otherRoot = workspace.issue('other-root', { subject: '/CN=Other Root', ca: true });
const offPath = workspace.issue('off-path', { subject: '/CN=Off Path CA', ca: true, issuer: otherRoot });
const stranger = workspace.issue('stranger', { subject: '/CN=stranger.test', issuer: otherRoot });

function load(certificate: Issued): LoadedCertificate {
  return loadCertificate(workspace.run(['x509', '-in', `${certificate.name}.crt`, '-outform', 'DER']));
}

function subjects(certificates: { subject: string }[]): string[] {
  return certificates.map((certificate) => certificate.subject);
}

const chain = suite('sortChain');

chain('intermediates follow issuer links from the leaf', () => {
  const sorted = sortChain(load(leaf), [load(root), load(upper), load(lower)]);

  assert.equal(subjects(sorted.intermediates), ['CN=Chain Lower CA', 'CN=Chain Upper CA']);
  assert.equal(subjects(sorted.roots), ['CN=Chain Root']);
  assert.equal(sorted.ignored, []);
});

chain('CA off the leaf path comes last', () => {
  const sorted = sortChain(load(leaf), [load(offPath), load(upper), load(lower)]);

  assert.equal(subjects(sorted.intermediates), ['CN=Chain Lower CA', 'CN=Chain Upper CA', 'CN=Off Path CA']);
});

chain('non-CA certificates are ignored', () => {
  const sorted = sortChain(load(leaf), [load(stranger), load(lower)]);

  assert.equal(subjects(sorted.ignored), ['CN=stranger.test']);
  assert.equal(subjects(sorted.intermediates), ['CN=Chain Lower CA']);
});

chain('gap in the chain keeps the rest in secret order', () => {
  const sorted = sortChain(load(leaf), [load(upper)]);

  assert.equal(subjects(sorted.intermediates), ['CN=Chain Upper CA']);
});

chain.run();

const leaves = suite('findLeaf');

leaves('matches the key, not the position', () => {
  const certificates = [load(root), load(lower), load(leaf)];

  const pair = findLeaf(certificates, [createPrivateKey(leaf.keyPem)]);

  assert.is(pair.leaf.info.subject, 'CN=chain.test');
});

leaves('later key that matches wins over one that does not', () => {
  const keys = [createPrivateKey(stranger.keyPem), createPrivateKey(leaf.keyPem)];

  const pair = findLeaf([load(leaf)], keys);

  assert.is(pair.key, keys[1]);
});

leaves('latest notAfter wins among certificates of one key', () => {
  const renewed = workspace.issue('renewed', { subject: '/CN=chain.test', issuer: lower, reuseKeyOf: leaf, days: 90 });

  const pair = findLeaf([load(leaf), load(renewed), load(lower)], [createPrivateKey(leaf.keyPem)]);

  assert.is(pair.leaf.info.thumbprint, load(renewed).info.thumbprint);
});

leaves('no match is a key mismatch', () => {
  assert.throws(() => findLeaf([load(leaf)], [createPrivateKey(stranger.keyPem)]),
    (error: unknown) => error instanceof BundleProblem && error.code === 'key-mismatch');
});

leaves.after(() => workspace.remove());
leaves.run();
