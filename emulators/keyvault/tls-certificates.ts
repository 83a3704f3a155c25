// The emulator's TLS material: a CA made at start and a server certificate it signs for
// the loopback names, so that clients verify the connection instead of switching checks off.
import { createSelfSignedCa, generateKeys, issueCertificate, privateKeyPem } from '../x509-builder.ts';

export interface ServerTls {
  /** The CA certificate that clients must trust. */
  caPem: string;
  /** The server certificate for 127.0.0.1, ::1 and localhost. */
  certPem: string;
  /** The server's private key (PKCS#8 PEM); stays in the emulator process. */
  keyPem: string;
}

/** Creates a new CA and server certificate, valid for 30 days, with EC P-256 keys (fast to generate). */
export async function createServerTls(): Promise<ServerTls> {
  const ca = await createSelfSignedCa('CN=kvcert Key Vault Emulator CA, O=kvcert test', await generateKeys('ec-p256'), 30);
  const server = await issueCertificate(ca, {
    subject: 'CN=127.0.0.1, O=kvcert test',
    keys: await generateKeys('ec-p256'),
    isCa: false,
    validDays: 30,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
  });
  return { caPem: ca.pem, certPem: server.pem, keyPem: await privateKeyPem(server.keys) };
}
