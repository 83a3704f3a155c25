import { createHash, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { keyStorageProvider, writePfx } from '../../../adapters/windows-store/pfx-writer.ts';
import { createTestChain } from './test-chain.ts';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

interface Bag {
  type: string;
  value: Asn1;
  attributes: Map<string, Asn1>;
}

interface ParsedPfx {
  version: number;
  bags: Bag[];
  authenticatedSafe: string;
  mac: { algorithm: string; digest: string; salt: string; iterations: number };
}

function children(node: Asn1): Asn1[] {
  return node.value as Asn1[];
}

function bytes(node: Asn1): string {
  return node.value as string;
}

function oidOf(node: Asn1): string {
  return asn1.derToOid(bytes(node));
}

/** Reads a PFX with unencrypted `data` safes, which is all writePfx produces. */
function parsePfx(pfx: Buffer): ParsedPfx {
  const [version, authSafe, macData] = children(asn1.fromDer(pfx.toString('binary')));
  const authenticatedSafe = bytes(children(children(authSafe)[1])[0]);
  const bags = children(asn1.fromDer(authenticatedSafe)).flatMap((contentInfo) => {
    assert.is(oidOf(children(contentInfo)[0]), '1.2.840.113549.1.7.1');
    const safeContents = bytes(children(children(contentInfo)[1])[0]);
    return children(asn1.fromDer(safeContents)).map(readBag);
  });
  const [digestInfo, salt, iterations] = children(macData);
  const [algorithm, digest] = children(digestInfo);
  return {
    version: asn1.derToInteger(bytes(version)),
    bags,
    authenticatedSafe,
    mac: { algorithm: oidOf(children(algorithm)[0]), digest: bytes(digest), salt: bytes(salt), iterations: asn1.derToInteger(bytes(iterations)) },
  };
}

function readBag(node: Asn1): Bag {
  const [type, value, attributeSet] = children(node);
  const attributes = new Map<string, Asn1>();
  for (const attribute of attributeSet ? children(attributeSet) : []) {
    attributes.set(oidOf(children(attribute)[0]), children(children(attribute)[1])[0]);
  }
  return { type: oidOf(type), value: children(value)[0], attributes };
}

function certificateThumbprints(parsed: ParsedPfx): string[] {
  return parsed.bags.filter((bag) => bag.type === '1.2.840.113549.1.12.10.1.3').map((bag) => {
    const der = Buffer.from(bytes(children(children(bag.value)[1])[0]), 'binary');
    return createHash('sha1').update(der).digest('hex').toUpperCase();
  });
}

const pfx = suite('pfx writer');

for (const keyType of ['rsa', 'ec'] as const) {
  pfx(`${keyType} PFX carries leaf and intermediate, no root`, () => {
    const { bundle, root } = createTestChain(keyType, 'www.pfx-test.example');

    const parsed = parsePfx(writePfx(bundle));

    assert.is(parsed.version, 3);
    assert.equal(certificateThumbprints(parsed), [bundle.leaf.thumbprint, bundle.intermediates[0].thumbprint]);
    assert.not.ok(certificateThumbprints(parsed).includes(root.thumbprint));
  });

  pfx(`${keyType} key decrypts with the empty password`, () => {
    const { bundle } = createTestChain(keyType, 'www.pfx-test.example');
    const expected = createPrivateKey(bundle.privateKeyPem).export({ format: 'der', type: 'pkcs8' });

    const keyBags = parsePfx(writePfx(bundle)).bags.filter((bag) => bag.type === '1.2.840.113549.1.12.10.1.2');
    const decrypted = forge.pki.decryptPrivateKeyInfo(keyBags[0].value, '');

    assert.is(keyBags.length, 1);
    assert.is(asn1.derToOid(bytes(children(children(keyBags[0].value)[0])[0])), '1.2.840.113549.1.12.1.3');
    assert.is(Buffer.from(asn1.toDer(decrypted).getBytes(), 'binary').toString('hex'), expected.toString('hex'));
  });
}

pfx('key and leaf share the localKeyId; key names the CNG provider', () => {
  const { bundle } = createTestChain('rsa', 'www.pfx-test.example');

  const parsed = parsePfx(writePfx(bundle));
  const [leafBag, intermediateBag] = parsed.bags.filter((bag) => bag.type === '1.2.840.113549.1.12.10.1.3');
  const keyBag = parsed.bags.find((bag) => bag.type === '1.2.840.113549.1.12.10.1.2');

  const localKeyId = '1.2.840.113549.1.9.21';
  assert.is(Buffer.from(bytes(leafBag.attributes.get(localKeyId)!), 'binary').toString('hex').toUpperCase(), bundle.leaf.thumbprint);
  assert.is(bytes(keyBag!.attributes.get(localKeyId)!), bytes(leafBag.attributes.get(localKeyId)!));
  assert.is(intermediateBag.attributes.size, 0);
  const cspName = keyBag!.attributes.get('1.3.6.1.4.1.311.17.1')!;
  assert.is(cspName.type, asn1.Type.BMPSTRING);
  assert.is(bytes(cspName), keyStorageProvider);
});

for (const [macAlgorithm, oid, digestLength] of [['sha1', '1.3.14.3.2.26', 20], ['sha256', '2.16.840.1.101.3.4.2.1', 32]] as const) {
  pfx(`${macAlgorithm} MAC verifies with the empty password`, () => {
    const { bundle } = createTestChain('ec', 'www.pfx-test.example');

    const { mac, authenticatedSafe } = parsePfx(writePfx(bundle, { macAlgorithm }));
    const digest = macAlgorithm === 'sha1' ? forge.md.sha1.create() : forge.md.sha256.create();
    const key = forge.pkcs12.generateKey('', forge.util.createBuffer(mac.salt), 3, mac.iterations, digestLength, digest);
    const hmac = forge.hmac.create();
    hmac.start(macAlgorithm, key.getBytes());
    hmac.update(authenticatedSafe);

    assert.is(mac.algorithm, oid);
    assert.is(mac.digest.length, digestLength);
    assert.is(hmac.digest().toHex(), forge.util.bytesToHex(mac.digest));
  });
}

pfx.run();
