import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HandlerEnvironmentError, handlerEnvironmentCandidates, locateHandlerEnvironment, parseHandlerEnvironment, readHandlerEnvironment,
} from '../../../adapters/handler/handler-environment.ts';

const environment = suite('handler environment');

let work: string;

environment.before.each(async () => {
  work = await mkdtemp(join(tmpdir(), 'kvcert-handler-env-'));
});

environment.after.each(async () => {
  await rm(work, { recursive: true, force: true });
});

const linuxDocument = [{
  name: 'Contoso.KvCert',
  version: 1.0,
  handlerEnvironment: {
    logFolder: '/var/log/azure/Contoso.KvCert',
    configFolder: '/var/lib/waagent/Contoso.KvCert-1.0.0/config',
    statusFolder: '/var/lib/waagent/Contoso.KvCert-1.0.0/status',
    heartbeatFile: '/var/lib/waagent/Contoso.KvCert-1.0.0/heartbeat.log',
    eventsFolder: '/var/lib/waagent/Contoso.KvCert-1.0.0/events',
  },
}];

function withKey(key: string, value: unknown) {
  return [{ ...linuxDocument[0], handlerEnvironment: { ...linuxDocument[0].handlerEnvironment, [key]: value } }];
}

environment('array element 0 is read', () => {
  const result = parseHandlerEnvironment(JSON.stringify(linuxDocument), '/h/HandlerEnvironment.json');

  assert.is(result.name, 'Contoso.KvCert');
  assert.is(result.version, '1');
  assert.is(result.root, '/h');
  assert.is(result.logFolder, '/var/log/azure/Contoso.KvCert');
  assert.is(result.configFolder, '/var/lib/waagent/Contoso.KvCert-1.0.0/config');
  assert.is(result.statusFolder, '/var/lib/waagent/Contoso.KvCert-1.0.0/status');
  assert.is(result.heartbeatFile, '/var/lib/waagent/Contoso.KvCert-1.0.0/heartbeat.log');
  assert.is(result.eventsFolder, '/var/lib/waagent/Contoso.KvCert-1.0.0/events');
});

environment('string version is accepted', () => {
  const document = [{ ...linuxDocument[0], version: '1' }];

  const result = parseHandlerEnvironment(JSON.stringify(document), '/h/HandlerEnvironment.json');

  assert.is(result.version, '1');
});

environment('missing version is accepted', () => {
  const { version: _version, ...rest } = linuxDocument[0];

  const result = parseHandlerEnvironment(JSON.stringify([rest]), '/h/HandlerEnvironment.json');

  assert.is(result.version, undefined);
});

environment('byte order mark is skipped', () => {
  const result = parseHandlerEnvironment(`\uFEFF${JSON.stringify(linuxDocument)}`, '/h/HandlerEnvironment.json');

  assert.is(result.statusFolder, '/var/lib/waagent/Contoso.KvCert-1.0.0/status');
});

environment('relative folders resolve against the file', () => {
  const document = withKey('statusFolder', 'status');

  const result = parseHandlerEnvironment(JSON.stringify(document), '/h/HandlerEnvironment.json');

  assert.is(result.statusFolder, '/h/status');
});

environment('empty Windows fields are left out', () => {
  const document = withKey('eventsFolder', '');

  const result = parseHandlerEnvironment(JSON.stringify(document), '/h/HandlerEnvironment.json');

  assert.is(result.eventsFolder, undefined);
});

for (const key of ['logFolder', 'configFolder', 'statusFolder', 'heartbeatFile']) {
  environment(`missing ${key} names file and key`, () => {
    const document = withKey(key, undefined);

    try {
      parseHandlerEnvironment(JSON.stringify(document), '/h/HandlerEnvironment.json');
      assert.unreachable('parse should fail');
    } catch (error) {
      assert.instance(error, HandlerEnvironmentError);
      const failure = error as HandlerEnvironmentError;
      assert.is(failure.file, '/h/HandlerEnvironment.json');
      assert.is(failure.key, `[0].handlerEnvironment.${key}`);
      assert.is(failure.message, `/h/HandlerEnvironment.json is missing [0].handlerEnvironment.${key} (a non-empty path is required)`);
    }
  });
}

environment('object instead of array is rejected', () => {
  assert.throws(
    () => parseHandlerEnvironment(JSON.stringify(linuxDocument[0]), '/h/HandlerEnvironment.json'),
    (error: Error) => error instanceof HandlerEnvironmentError && error.message.includes('must be a JSON array') && (error as HandlerEnvironmentError).key === '[0]',
  );
});

environment('missing handlerEnvironment is rejected', () => {
  assert.throws(
    () => parseHandlerEnvironment(JSON.stringify([{ version: 1 }]), '/h/HandlerEnvironment.json'),
    (error: Error) => (error as HandlerEnvironmentError).key === '[0].handlerEnvironment',
  );
});

environment('read retries while the file is half written', async () => {
  const file = join(work, 'HandlerEnvironment.json');
  const text = JSON.stringify(linuxDocument);
  await writeFile(file, text.slice(0, 20));
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
    if (delays.length === 2) await writeFile(file, text);
  };

  const result = await readHandlerEnvironment(file, { sleep });

  assert.equal(delays, [100, 200]);
  assert.is(result.configFolder, '/var/lib/waagent/Contoso.KvCert-1.0.0/config');
});

environment('read gives up after the last attempt', async () => {
  const file = join(work, 'HandlerEnvironment.json');
  await writeFile(file, '');
  const delays: number[] = [];

  try {
    await readHandlerEnvironment(file, { attempts: 3, firstDelayMs: 10, sleep: async (ms) => { delays.push(ms); } });
    assert.unreachable('read should fail');
  } catch (error) {
    assert.instance(error, HandlerEnvironmentError);
    assert.match((error as Error).message, `${file} could not be read as JSON after 3 attempts`);
  }
  assert.equal(delays, [10, 20]);
});

environment('missing key is not retried', async () => {
  const file = join(work, 'HandlerEnvironment.json');
  await writeFile(file, JSON.stringify(withKey('heartbeatFile', undefined)));
  const delays: number[] = [];

  const error = await readHandlerEnvironment(file, { sleep: async (ms) => { delays.push(ms); } }).then(() => undefined, (failure: Error) => failure);

  assert.instance(error, HandlerEnvironmentError);
  assert.is((error as HandlerEnvironmentError).key, '[0].handlerEnvironment.heartbeatFile');
  assert.equal(delays, []);
});

environment('search order without handler root', () => {
  const folders = handlerEnvironmentCandidates({ cwd: '/handler/root', packageRoot: '/handler/root/kvcert' });

  assert.equal(folders, ['/handler/root', '/handler/root/kvcert']);
});

environment('search order lists the folder above the package', () => {
  const folders = handlerEnvironmentCandidates({ cwd: '/elsewhere', packageRoot: '/handler/root/kvcert' });

  assert.equal(folders, ['/elsewhere', '/handler/root/kvcert', '/handler/root']);
});

environment('handler root is the only folder searched', () => {
  assert.equal(handlerEnvironmentCandidates({ handlerRoot: '/given', cwd: '/elsewhere' }), ['/given']);
});

environment('locate finds the file one level above the package', async () => {
  const packageRoot = join(work, 'kvcert');
  await mkdir(packageRoot);
  await writeFile(join(work, 'HandlerEnvironment.json'), JSON.stringify(linuxDocument));

  const file = await locateHandlerEnvironment({ cwd: join(work, 'kvcert'), packageRoot });

  assert.is(file, join(work, 'HandlerEnvironment.json'));
});

environment('locate names every folder searched', async () => {
  const packageRoot = join(work, 'kvcert');

  try {
    await locateHandlerEnvironment({ cwd: work, packageRoot });
    assert.unreachable('locate should fail');
  } catch (error) {
    assert.instance(error, HandlerEnvironmentError);
    assert.is((error as Error).message,
      `HandlerEnvironment.json not found in ${work}, ${packageRoot}. Run the command in the handler folder or pass --handler-root DIR.`);
  }
});

environment.run();
