// Test inputs made with the openssl command line at test time, so that no key is
// committed: keys, a small CA hierarchy, PEM text and PFX files. Needs openssl 3 on PATH.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeyAlgorithm = 'RSA 2048' | 'EC P-256' | 'EC P-384' | 'EC P-521' | 'EC secp256k1' | 'Ed25519';

const genpkeyArguments: Record<KeyAlgorithm, string[]> = {
  'RSA 2048': ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'EC P-256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  'EC P-384': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  'EC P-521': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  'EC secp256k1': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'],
  'Ed25519': ['-algorithm', 'ED25519'],
};

/** What `issue` writes: the certificate and key as PEM text, and their file names. */
export interface Issued {
  name: string;
  certificatePem: string;
  keyPem: string;
}

/** Options of one certificate; extension lines use openssl's x509v3 config syntax. */
export interface CertificateOptions {
  subject: string;
  keyAlgorithm?: KeyAlgorithm;
  ca?: boolean;
  extensions?: string[];
  /** Self-signed when absent. */
  issuer?: Issued;
  /** Certifies the key of an earlier certificate instead of a new key. */
  reuseKeyOf?: Issued;
  /** Validity from now; 30 when absent. */
  days?: number;
}

/** A temporary folder to run openssl in. Call remove() when done. */
export class OpensslWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'kvcert-bundle-test-'));
  private serial = 1;

  run(args: string[]): Buffer {
    return execFileSync('openssl', args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  write(name: string, content: string | Buffer): string {
    writeFileSync(join(this.dir, name), content);
    return name;
  }

  read(name: string): Buffer {
    return readFileSync(join(this.dir, name));
  }

  /** Makes a key and a certificate for it, signed by `options.issuer` or by itself. */
  issue(name: string, options: CertificateOptions): Issued {
    if (options.reuseKeyOf) {
      this.write(`${name}.key`, options.reuseKeyOf.keyPem);
    } else {
      this.run(['genpkey', ...genpkeyArguments[options.keyAlgorithm ?? 'EC P-256'], '-out', `${name}.key`]);
    }
    this.run(['req', '-new', '-key', `${name}.key`, '-subj', options.subject, '-utf8', '-out', `${name}.csr`]);
    this.write(`${name}.ext`, extensionLines(options).join('\n') + '\n');

    const signer = options.issuer
      ? ['-CA', `${options.issuer.name}.crt`, '-CAkey', `${options.issuer.name}.key`]
      : ['-key', `${name}.key`];
    this.run(['x509', '-req', '-in', `${name}.csr`, ...signer, '-set_serial', String(this.serial++),
      '-days', String(options.days ?? 30), '-extfile', `${name}.ext`, '-out', `${name}.crt`]);

    return {
      name,
      certificatePem: this.read(`${name}.crt`).toString('utf8'),
      keyPem: this.read(`${name}.key`).toString('utf8'),
    };
  }

  /** Exports a PFX with an empty password; `extra` adds openssl pkcs12 options such as `-legacy`. */
  exportPfx(leaf: Issued, chain: Issued[], extra: string[] = []): Buffer {
    this.write('chain.pem', chain.map((certificate) => certificate.certificatePem).join(''));
    const certfile = chain.length > 0 ? ['-certfile', 'chain.pem'] : [];
    this.run(['pkcs12', '-export', '-inkey', `${leaf.name}.key`, '-in', `${leaf.name}.crt`, ...certfile,
      '-passout', 'pass:', ...extra, '-out', 'out.pfx']);
    return this.read('out.pfx');
  }

  /** Returns openssl's RFC 2253 subject of a certificate, the form kvcert reports. */
  rfc2253Subject(certificate: Issued): string {
    const output = this.run(['x509', '-in', `${certificate.name}.crt`, '-noout', '-subject', '-nameopt', 'RFC2253,utf8,-esc_msb']);
    return output.toString('utf8').trim().replace(/^subject=/, '');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function extensionLines(options: CertificateOptions): string[] {
  const basicConstraints = options.ca ? 'basicConstraints=critical,CA:TRUE' : 'basicConstraints=critical,CA:FALSE';
  const identifiers = ['subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'];
  return [basicConstraints, ...identifiers, ...(options.extensions ?? [])];
}
