// `npm start`: the main job end to end on the embedded defaults. Starts the loopback
// emulators, syncs three sample certificates into a temporary folder store, publishes a
// renewal of one, installs it, and prints the table and the status file.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startLab } from '../emulators/lab.ts';
import { createAgent, createStore } from './runtime.ts';
import { createLogger } from './logger.ts';
import { reportStatus } from './status-reporter.ts';
import { loadSettingsFile } from './settings/load-settings.ts';
import { renderStatusTable } from './status/status-table.ts';

const print = (text = '') => process.stdout.write(`${text}\n`);

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name))).sort();
}

export async function runDemo(args: string[]): Promise<number> {
  const verbose = args.includes('--verbose');
  const work = await mkdtemp(join(tmpdir(), 'kvcert-demo-'));
  const storeRoot = join(work, 'store');
  const statusDir = join(work, 'status');
  const lab = await startLab();

  try {
    const published = [await lab.publish('web', 'pkcs12-intermediate'), await lab.publish('api', 'pem-ec'), await lab.publish('mail', 'pkcs12-root')];
    const settingsFile = join(work, 'settings.json');
    await writeFile(settingsFile, JSON.stringify({
      secretsManagementSettings: {
        pollingIntervalInS: '3600',
        requireInitialSync: true,
        observedCertificates: published.map((item) => ({ url: item.url, certificateStoreName: 'MY', certificateStoreLocation: 'LocalMachine' })),
      },
      authenticationSettings: { msiEndpoint: lab.tokens.endpoint },
    }, null, 2));
    print(`Emulated vault ${lab.vault.url}, token endpoint ${lab.tokens.endpoint}`);
    print(`Settings ${settingsFile}; folder store ${storeRoot}`);

    const logger = createLogger({ level: verbose ? 'debug' : 'warn' });
    const { settings } = await loadSettingsFile(settingsFile);
    const agent = createAgent(settings, { store: createStore('folder', storeRoot), trustedCaPem: lab.vault.caPem, logger });
    const stopReporting = reportStatus(agent, { folder: statusDir, sequence: 0, name: 'KeyVaultForWindows', logger });

    agent.start();
    const first = await agent.settled(60_000);
    print(`\nInitial sync:\n${renderStatusTable(first, agent.certificates())}`);

    const before = agent.certificates().find((certificate) => certificate.url === published[0].url)?.installed;
    const renewal = await lab.publish('web', 'pkcs12-intermediate');
    print(`\nPublished a renewal of ${renewal.url}: version ${renewal.version}`);
    agent.pollNow();
    await agent.settled(60_000);
    const after = agent.certificates().find((certificate) => certificate.url === renewal.url)?.installed;
    print(`Renewed ${renewal.url}`);
    print(`  old thumbprint ${before?.thumbprint} (version ${before?.version})`);
    print(`  new thumbprint ${after?.thumbprint} (version ${after?.version})`);

    await agent.stop();
    await stopReporting();
    const report = agent.report();
    print(`\n${renderStatusTable(report, agent.certificates())}`);
    print(`\nStore files under ${storeRoot}:`);
    for (const file of await listFiles(storeRoot)) print(`  ${file}`);
    print(`\nStatus file ${join(statusDir, '0.status')}:`);
    print(await readFile(join(statusDir, '0.status'), 'utf8'));

    const renewed = after?.thumbprint === renewal.thumbprint && before?.thumbprint !== renewal.thumbprint;
    const ok = report.status === 'Ready' && renewed;
    print(ok ? '\nDemo finished: all certificates installed and the renewal picked up.' : '\nDemo failed: see the table above.');
    return ok ? 0 : 1;
  } finally {
    await lab.close();
  }
}
