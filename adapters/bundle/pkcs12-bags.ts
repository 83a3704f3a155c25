// The SafeBags of a PFX (RFC 7292 section 4.2). Certificates are taken as the exact
// bytes stored in the CertBag, because node-forge re-encodes the RSA certificates it
// decodes (and drops the EC ones), which could change the SHA-1 thumbprint.
// Keys are taken as PKCS#8 bytes for Node's crypto, which reads RSA and EC alike.
// Shrouded keys go to Node's crypto encrypted, because OpenSSL derives their keys faster
// than pkcs12-decrypt.ts can.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import {
  Asn1StructureError, binaryToBytes, childrenOf, explicitContent, octetsOf, oidOf, type Asn1,
} from './asn1-reader.ts';
import { decryptPart, type Pkcs12Password } from './pkcs12-decrypt.ts';

/** Contents of a PFX: certificates as DER, private keys as PKCS#8 DER or as keys Node already read. */
export interface Pkcs12Bags {
  certificates: Buffer[];
  privateKeys: Array<Buffer | KeyObject>;
}

const bagTypes = {
  key: '1.2.840.113549.1.12.10.1.1',
  shroudedKey: '1.2.840.113549.1.12.10.1.2',
  certificate: '1.2.840.113549.1.12.10.1.3',
  safeContents: '1.2.840.113549.1.12.10.1.6',
};
const x509CertificateType = '1.2.840.113549.1.9.22.1';
const maxNesting = 8;

/** Adds the certificates and keys of one SafeContents to `bags`. CRL, secret and unknown bags are skipped. */
export function collectBags(safeContents: Asn1, password: Pkcs12Password, bags: Pkcs12Bags, depth = 0): void {
  if (depth > maxNesting) throw new Asn1StructureError(`the PFX nests SafeContents more than ${maxNesting} deep`);

  for (const bag of childrenOf(safeContents, 'a SafeContents in the PFX', 0)) {
    const [typeNode, valueNode] = childrenOf(bag, 'a SafeBag in the PFX', 2);
    const value = explicitContent(valueNode, 'the value of a SafeBag in the PFX');

    switch (oidOf(typeNode, 'the type of a SafeBag in the PFX')) {
      case bagTypes.certificate:
        addCertificate(value, bags);
        break;
      case bagTypes.key:
        bags.privateKeys.push(binaryToBytes(forge.asn1.toDer(value).getBytes()));
        break;
      case bagTypes.shroudedKey:
        bags.privateKeys.push(decryptShroudedKey(value, password));
        break;
      case bagTypes.safeContents:
        // NOTE: no test covers nested SafeContents, because no common PFX writer produces them.
        collectBags(value, password, bags, depth + 1);
        break;
    }
  }
}

function addCertificate(certBag: Asn1, bags: Pkcs12Bags): void {
  const [typeNode, valueNode] = childrenOf(certBag, 'a CertBag in the PFX', 2);
  // SDSI certificates (the only other CertBag type) cannot be installed.
  if (oidOf(typeNode, 'the type of a CertBag in the PFX') !== x509CertificateType) return;

  const der = octetsOf(explicitContent(valueNode, 'the value of a CertBag in the PFX'));
  bags.certificates.push(binaryToBytes(der));
}

function decryptShroudedKey(encryptedKeyInfo: Asn1, password: Pkcs12Password): Buffer | KeyObject {
  const native = readEncryptedKey(encryptedKeyInfo, password);
  if (native) return native;

  const [algorithm, encrypted] = childrenOf(encryptedKeyInfo, 'an EncryptedPrivateKeyInfo in the PFX', 2);
  const privateKeyInfo = decryptPart(algorithm, octetsOf(encrypted), password, 'the private key in the PFX');
  return binaryToBytes(forge.asn1.toDer(privateKeyInfo).getBytes());
}

// OpenSSL (3.x in Node 24) encodes a passphrase as UTF-8 for PBES2 and as a BMPString with two zero bytes at
// the end for the PKCS#12 schemes, as node-forge does, so '' covers the usual empty
// password. The zero-length encoding (null) has no passphrase form. On any failure
// (RC2 is not in OpenSSL 3's default provider, for one) pkcs12-decrypt.ts takes over
// and reports the cause.
function readEncryptedKey(encryptedKeyInfo: Asn1, password: Pkcs12Password): KeyObject | undefined {
  if (password.value === null) return undefined;
  try {
    const der = binaryToBytes(forge.asn1.toDer(encryptedKeyInfo).getBytes());
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8', passphrase: password.value });
  } catch {
    return undefined;
  }
}
