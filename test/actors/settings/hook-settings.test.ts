import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { validateSettings } from '../../../actors/settings/validate-settings.ts';
import { SettingsError } from '../../../actors/settings/settings-error.ts';
import type { SettingsProblem } from '../../../actors/settings/settings-error.ts';
import { afterInstallHookFor } from '../../../actors/settings/hook-settings.ts';

const hooks = suite('hook settings');

const vaultUrl = 'https://myvault.vault.azure.net/secrets/mycert';
const otherUrl = 'https://myvault.vault.azure.net/secrets/other';

function withHooks(global: unknown, own?: unknown) {
  const certificate = own === undefined ? { url: vaultUrl } : { url: vaultUrl, hooks: own };
  return { secretsManagementSettings: { observedCertificates: [certificate, otherUrl], ...(global === undefined ? {} : { hooks: global }) } };
}

function problemsOf(raw: unknown): SettingsProblem[] {
  try {
    validateSettings(raw, 'test.json');
  } catch (error) {
    assert.instance(error, SettingsError);
    return (error as SettingsError).problems;
  }
  throw new Error('expected a SettingsError');
}

hooks('global hook with defaults applied', () => {
  const { settings } = validateSettings(withHooks({ afterInstall: { command: '/usr/sbin/nginx', args: ['-s', 'reload'] } }), 't');

  assert.equal(settings.hooks, { afterInstall: { command: '/usr/sbin/nginx', args: ['-s', 'reload'], timeoutS: 60 } });
  assert.is(settings.observedCertificates[0].hooks, undefined);
});

hooks('certificate hook replaces the global one', () => {
  const { settings } = validateSettings(withHooks(
    { afterInstall: { command: '/usr/sbin/nginx', args: ['-s', 'reload'] } },
    { afterInstall: { command: 'C:\\scripts\\reload-iis.ps1', timeoutS: '120' } },
  ), 't');

  const [own, other] = settings.observedCertificates;
  assert.equal(afterInstallHookFor(settings.hooks, own.hooks), { command: 'C:\\scripts\\reload-iis.ps1', args: [], timeoutS: 120 });
  assert.is(afterInstallHookFor(settings.hooks, other.hooks)?.command, '/usr/sbin/nginx');
});

hooks('null afterInstall turns the global hook off', () => {
  const { settings } = validateSettings(withHooks({ afterInstall: { command: 'systemctl', args: ['reload', 'nginx'] } }, { afterInstall: null }), 't');

  assert.is(afterInstallHookFor(settings.hooks, settings.observedCertificates[0].hooks), undefined);
  assert.is(afterInstallHookFor(settings.hooks, settings.observedCertificates[1].hooks)?.command, 'systemctl');
});

hooks('every hook problem listed at once', () => {
  const problems = problemsOf(withHooks(
    { afterinstall: {}, afterInstall: { command: './reload.sh', args: 'reload', timeoutS: 0, timeout: 5 } },
    { afterInstall: { command: 'systemctl reload nginx' } },
  ));

  assert.equal(problems.map((problem) => problem.path), [
    'secretsManagementSettings.observedCertificates[0].hooks.afterInstall.command',
    'secretsManagementSettings.hooks.afterinstall',
    'secretsManagementSettings.hooks.afterInstall.timeout',
    'secretsManagementSettings.hooks.afterInstall.command',
    'secretsManagementSettings.hooks.afterInstall.args',
    'secretsManagementSettings.hooks.afterInstall.timeoutS',
  ]);
  assert.match(problems[0].message, /hooks run without a shell: put the program in command and each argument in args/);
  assert.match(problems[1].message, /is not a known hook; the supported hook is afterInstall/);
  assert.match(problems[2].message, /is not a hook setting; use command, args, timeoutS/);
  assert.match(problems[3].message, /must be an absolute path or a program name found on PATH/);
  assert.match(problems[4].message, /must be an array of strings/);
  assert.match(problems[5].message, /from 1 to 3600/);
});

hooks('missing command and batch files rejected', () => {
  const missing = problemsOf(withHooks({ afterInstall: { args: [] } }));
  const batch = problemsOf(withHooks({ afterInstall: { command: 'C:\\scripts\\reload.cmd' } }));

  assert.is(missing[0].path, 'secretsManagementSettings.hooks.afterInstall.command');
  assert.is(missing[0].value, undefined);
  assert.match(missing[0].message, /is required: the program to run/);
  assert.match(batch[0].message, /is a batch file, which needs cmd.exe/);
});

hooks('hooks of the wrong type rejected', () => {
  const notObject = problemsOf(withHooks('nginx -s reload'));
  const commandNotObject = problemsOf(withHooks(undefined, { afterInstall: '/usr/sbin/nginx' }));

  assert.is(notObject[0].path, 'secretsManagementSettings.hooks');
  assert.match(notObject[0].message, /must be an object such as/);
  assert.is(commandNotObject[0].path, 'secretsManagementSettings.observedCertificates[0].hooks.afterInstall');
  assert.match(commandNotObject[0].message, /must be an object with command/);
});

hooks('path with spaces accepted with empty args', () => {
  const { settings } = validateSettings(withHooks({ afterInstall: { command: '/opt/my tools/reload', args: [] } }), 't');

  assert.is(settings.hooks?.afterInstall?.command, '/opt/my tools/reload');
});

hooks.run();
