import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSystemdUnit } from '../../actors/service/systemd-unit.ts';
import { runCli } from '../e2e/cli-runner.ts';

const service = suite('service command');

service('unit runs kvcert run with the flags', () => {
  const unit = renderSystemdUnit({ nodePath: '/opt/node/bin/node', cliPath: '/opt/kvcert/actors/cli.ts', runArgs: ['--settings', '/etc/kvcert/my settings.json'] });

  assert.match(unit, 'ExecStart=/opt/node/bin/node /opt/kvcert/actors/cli.ts run --settings "/etc/kvcert/my settings.json"\n');
  assert.match(unit, 'ExecReload=/bin/kill -HUP $MAINPID\n');
  assert.match(unit, 'KillSignal=SIGTERM\n');
  assert.match(unit, 'WantedBy=multi-user.target\n');
});

service('install writes and uninstall removes the unit', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'kvcert-unit-'));
  try {
    const installed = await runCli(['service', 'install', '--unit-dir', folder, '--', '--settings', '/etc/kvcert/settings.json']);
    const unit = await readFile(join(folder, 'kvcert.service'), 'utf8');
    const removed = await runCli(['service', 'uninstall', '--unit-dir', folder]);

    assert.is(installed.code, 0, installed.stderr);
    assert.match(unit, /actors\/cli\.ts run --settings \/etc\/kvcert\/settings\.json/);
    assert.is(removed.code, 0);
    await stat(join(folder, 'kvcert.service')).then(() => assert.unreachable('unit still there'), () => {});
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

service('install without settings is a usage error', async () => {
  const result = await runCli(['service', 'install', '--unit-dir', '/tmp/kvcert-unused']);

  assert.is(result.code, 2);
  assert.match(result.stderr, /at least --settings FILE/);
});

service.run();
