// `kvcert emulate`: runs both loopback emulators with three sample certificates and writes
// what an agent needs to use them (the CA file and a settings file) until stopped.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startKeyVaultEmulator } from './keyvault-emulator.ts';
import type { KeyVaultEmulator } from './keyvault-emulator.ts';
import { pemWithEcKey, pkcs12WithIntermediate, pkcs12WithRoot } from './sample-certificates.ts';
import type { SampleSecret } from './sample-certificates.ts';
import { startTokenEmulator } from './token-emulator.ts';

/** Output streams and the stop trigger of the command, replaceable in tests. */
export interface EmulateIo {
  print(line: string): void;
  printError(line: string): void;
  /** Resolves when the emulators should stop; by default on SIGINT or SIGTERM. */
  waitForStop(): Promise<void>;
}

const usage = `Usage: kvcert emulate [--port N] [--token-port N] [--out DIR]
  --port N         port of the Key Vault emulator (HTTPS); 0 or unset picks a free port
  --token-port N   port of the managed-identity token emulator (HTTP); 0 or unset picks a free port
  --out DIR        folder for ca.pem and settings.json (default: a new folder under the system temp folder)`;

const samples: Array<{ name: string; make: (commonName: string) => Promise<SampleSecret> }> = [
  { name: 'web', make: pkcs12WithIntermediate },
  { name: 'api', make: pemWithEcKey },
  { name: 'mail', make: pkcs12WithRoot },
];

interface EmulateFlags {
  port: number;
  tokenPort: number;
  out?: string;
}

/** Runs the emulators until stopped. Returns the exit code: 0 after a stop, 2 for invalid arguments. */
export async function runEmulate(argv: string[], io: EmulateIo = processIo()): Promise<number> {
  let flags: EmulateFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    io.printError(`${(error as Error).message}\n${usage}`);
    return 2;
  }

  const tokens = await startTokenEmulator({ port: flags.tokenPort });
  const vault = await startKeyVaultEmulator({ verifyToken: tokens.verifyToken, port: flags.port });
  try {
    const urls = await publishSamples(vault);
    const out = flags.out ? resolve(flags.out) : await mkdtemp(join(tmpdir(), 'kvcert-emulate-'));
    await mkdir(out, { recursive: true });

    const caFile = join(out, 'ca.pem');
    const settingsFile = join(out, 'settings.json');
    const settingsText = JSON.stringify(emulatorSettings(urls, tokens.endpoint), null, 2);
    await writeFile(caFile, vault.caPem);
    await writeFile(settingsFile, `${settingsText}\n`);

    printSummary(io, { vaultUrl: vault.url, tokenEndpoint: tokens.endpoint, caFile, settingsFile, settingsText, out });
    await io.waitForStop();
    io.print('Stopping the emulators.');
    return 0;
  } finally {
    await vault.close();
    await tokens.close();
  }
}

/** Stores one new version of each sample and returns their secret URLs. */
async function publishSamples(vault: KeyVaultEmulator): Promise<string[]> {
  const urls: string[] = [];
  for (const sample of samples) {
    const secret = await sample.make(`${sample.name}.kvcert.test`);
    vault.setSecret(sample.name, { value: secret.value, contentType: secret.contentType });
    urls.push(`${vault.url}/secrets/${sample.name}`);
  }
  return urls;
}

/** Builds Key Vault VM extension settings that observe `urls` through the token emulator. */
export function emulatorSettings(urls: string[], tokenEndpoint: string): object {
  return {
    secretsManagementSettings: {
      pollingIntervalInS: '60',
      requireInitialSync: true,
      observedCertificates: urls.map((url) => ({ url, certificateStoreName: 'MY', certificateStoreLocation: 'LocalMachine' })),
    },
    authenticationSettings: { msiEndpoint: tokenEndpoint },
  };
}

function printSummary(io: EmulateIo, facts: {
  vaultUrl: string; tokenEndpoint: string; caFile: string; settingsFile: string; settingsText: string; out: string;
}): void {
  io.print(`Key Vault emulator:  ${facts.vaultUrl}  (secrets: ${samples.map((sample) => sample.name).join(', ')})`);
  io.print(`Token endpoint:      ${facts.tokenEndpoint}`);
  io.print(`CA certificate:      ${facts.caFile}`);
  io.print(`Settings file:       ${facts.settingsFile}`);
  io.print(facts.settingsText);
  io.print('Run the agent against the emulators with:');
  io.print(`  kvcert run --settings ${facts.settingsFile} --ca-file ${facts.caFile} --store folder --store-root ${join(facts.out, 'store')}`);
  io.print('Press Ctrl+C to stop.');
}

function parseFlags(argv: string[]): EmulateFlags {
  const { values } = parseArgs({
    args: argv,
    options: { port: { type: 'string' }, 'token-port': { type: 'string' }, out: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  return { port: parsePort('--port', values.port), tokenPort: parsePort('--token-port', values['token-port']), out: values.out };
}

function parsePort(flag: string, text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Invalid ${flag} '${text}': expected an integer from 0 to 65535.`);
  }
  return port;
}

function processIo(): EmulateIo {
  return {
    print: (line) => process.stdout.write(`${line}\n`),
    printError: (line) => process.stderr.write(`${line}\n`),
    waitForStop: () => new Promise((done) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        done();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    }),
  };
}
