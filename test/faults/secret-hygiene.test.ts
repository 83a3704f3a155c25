import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSecretValue } from '../../adapters/bundle/parse-secret.ts';
import { startKeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import type { KeyVaultEmulator } from '../../emulators/keyvault-emulator.ts';
import { pemWithEcKey, pkcs12WithIntermediate, pkcs12WithRoot } from '../../emulators/sample-certificates.ts';
import type { SampleSecret } from '../../emulators/sample-certificates.ts';
import { startTokenEmulator } from '../../emulators/token-emulator.ts';
import type { TokenEmulator } from '../../emulators/token-emulator.ts';
import { runCli } from '../e2e/cli-runner.ts';
import { AgentProcess, agentFlags, createAgentFiles, eventually, removeAgentFiles } from './agent-process.ts';
import type { AgentFiles } from './agent-process.ts';
import { findSecrets, privateKeyBodies } from './secret-scan.ts';
import type { KnownSecret } from './secret-scan.ts';

const hygiene = suite('secret hygiene of a debug sync');

let tokens: TokenEmulator;
let vault: KeyVaultEmulator;
let files: AgentFiles;
let agent: AgentProcess | undefined;
const secrets: KnownSecret[] = [];
const outputs: Array<{ where: string; text: string }> = [];

const samples: Array<{ name: string; make: (commonName: string) => Promise<SampleSecret> }> = [
  { name: 'web', make: pkcs12WithIntermediate },
  { name: 'api', make: pemWithEcKey },
  { name: 'mail', make: pkcs12WithRoot },
];

/** Publishes a new version of `name` and remembers its value and private key as secrets. */
async function publish(name: string, make: (commonName: string) => Promise<SampleSecret>): Promise<string> {
  const sample = await make(`${name}.kvcert.test`);
  const { version } = vault.setSecret(name, { value: sample.value, contentType: sample.contentType });
  const keyPem = parseSecretValue(sample.value, sample.contentType, name).privateKeyPem;
  secrets.push({ label: `${name} ${version} value`, value: sample.value });
  for (const body of privateKeyBodies(keyPem)) secrets.push({ label: `${name} ${version} private key`, value: body });
  return version;
}

hygiene.before(async () => {
  tokens = await startTokenEmulator();
  vault = await startKeyVaultEmulator({ verifyToken: tokens.verifyToken });
  for (const sample of samples) await publish(sample.name, sample.make);
  files = await createAgentFiles(samples.map((sample) => `${vault.url}/secrets/${sample.name}`), tokens.endpoint, vault.caPem);
});

hygiene.after(async () => {
  await agent?.stop();
  await vault.close();
  await tokens.close();
  await removeAgentFiles(files);
});

/** Reads every file of the status folder, the state file and the heartbeat file into `outputs`. */
async function collectFiles(): Promise<void> {
  for (const name of await readdir(files.status)) outputs.push({ where: `status/${name}`, text: await readFile(join(files.status, name), 'utf8') });
  outputs.push({ where: 'state file', text: await readFile(files.state, 'utf8') });
  outputs.push({ where: 'heartbeat file', text: await readFile(join(files.work, 'heartbeat.json'), 'utf8') });
}

/** Reads the inspector's page, its JSON view and one second of its event stream. */
async function collectInspector(address: string): Promise<void> {
  for (const path of ['', 'view.json']) outputs.push({ where: `inspector /${path}`, text: await (await fetch(`${address}${path}`)).text() });

  const stream = await fetch(`${address}events`, { signal: AbortSignal.timeout(1_000) });
  let text = '';
  try {
    for await (const chunk of stream.body!) text += Buffer.from(chunk).toString('utf8');
  } catch {
    // The time limit ends the stream, which never ends by itself.
  }
  outputs.push({ where: 'inspector /events', text });
}

hygiene('debug sync writes no secret anywhere', async () => {
  const result = await runCli(['sync', ...agentFlags(files), '--log-level', 'debug', '--heartbeat-file', join(files.work, 'heartbeat.json')]);
  assert.is(result.code, 0, result.stderr);
  outputs.push({ where: 'sync stdout', text: result.stdout }, { where: 'sync stderr', text: result.stderr });
  assert.match(result.stderr, /"level":"debug"/);
  await collectFiles();

  const findings = outputs.flatMap((output) => findSecrets(output.text, secrets, output.where));
  assert.equal(findings, []);
});

hygiene('debug run with inspector, renewals and faults leaks nothing', async () => {
  agent = new AgentProcess(files, ['--log-level', 'debug', '--inspect', '0']);
  await eventually(() => /kvcert inspector: (http:\/\/127\.0\.0\.1:\d+\/)/.test(agent!.log), 'the inspector address', 30_000, () => agent!.log);
  const address = /kvcert inspector: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(agent.log)![1];
  const webUrl = `${vault.url}/secrets/web`;

  const renewal = await publish('web', pkcs12WithIntermediate);
  vault.faults.requests.inject({ kind: 'truncated-body' }, 1);
  await agent.syncNow();
  await eventually(async () => (await agent!.substatusOf(webUrl))?.formattedMessage.message.includes(`version ${renewal} installed`) ?? false,
    'the renewal after one truncated response', 30_000, () => agent!.log);
  await collectInspector(address);
  outputs.push({ where: 'run log', text: agent.log });
  await collectFiles();

  assert.ok((vault.faults.requests.applied['truncated-body'] ?? 0) === 1);
  assert.ok(outputs.find((output) => output.where === 'inspector /view.json')!.text.includes(webUrl), 'the inspector view names no certificate');
  assert.match(outputs.find((output) => output.where === 'inspector /events')!.text, /^data: /m);
  assert.ok(tokens.issuedTokens.length > 0, 'the agent fetched no token, so the token check would prove nothing');
  const known = [...secrets, ...tokens.issuedTokens.map((token, index) => ({ label: `access token ${index}`, value: token }))];
  const findings = outputs.flatMap((output) => findSecrets(output.text, known, output.where));
  assert.equal(findings, []);
});

hygiene('scan finds the keys in the store', async () => {
  const folder = join(files.store, 'LocalMachine', 'My');
  const keyFiles = (await readdir(folder)).filter((name) => name.endsWith('.key'));
  assert.ok(keyFiles.length >= samples.length);

  for (const name of keyFiles) {
    const text = await readFile(join(folder, name), 'utf8');
    const findings = findSecrets(text, secrets, name);
    assert.ok(findings.some((finding) => finding.includes('private key')), `${name}: ${findings.join('; ')}`);
  }
});

hygiene.run();
