import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAgentFlags, UsageError } from '../../actors/cli-options.ts';
import { defaultInspectorPort, normalizeInspectArgs, parseInspectTarget } from '../../actors/inspector/inspect-flag.ts';

const flag = suite('--inspect flag');

flag('bare flag takes the default port', () => {
  assert.equal(parseAgentFlags(['--settings', 's.json', '--inspect']).inspect, { port: defaultInspectorPort, stately: false });
  assert.equal(parseAgentFlags(['--inspect', '--settings', 's.json']).inspect, { port: defaultInspectorPort, stately: false });
});

flag('port as next argument or after =', () => {
  assert.equal(parseAgentFlags(['--settings', 's.json', '--inspect', '0']).inspect, { port: 0, stately: false });
  assert.equal(parseAgentFlags(['--settings', 's.json', '--inspect=8123']).inspect, { port: 8123, stately: false });
});

flag('stately with and without a port', () => {
  assert.equal(parseInspectTarget('stately'), { port: defaultInspectorPort, stately: true });
  assert.equal(parseInspectTarget('stately:0'), { port: 0, stately: true });
  assert.equal(parseAgentFlags(['--settings', 's.json', '--inspect=stately']).inspect, { port: defaultInspectorPort, stately: true });
});

flag('absent flag leaves inspect unset', () => {
  assert.is(parseAgentFlags(['--settings', 's.json']).inspect, undefined);
});

flag('invalid values are rejected', () => {
  for (const value of ['65536', 'x', 'stately5', 'stately:', ':80', '-1', '']) {
    assert.is(parseInspectTarget(value), undefined, value);
  }
});

flag('invalid value names the flag and the accepted forms', () => {
  try {
    parseAgentFlags(['--settings', 's.json', '--inspect=web']);
    assert.unreachable('no error');
  } catch (error) {
    assert.instance(error, UsageError);
    assert.is((error as Error).message, "--inspect takes a port from 0 to 65535, 'stately' or 'stately:PORT', not 'web'");
  }
});

flag('arguments after -- are left alone', () => {
  assert.equal(normalizeInspectArgs(['--', '--inspect']), ['--', '--inspect']);
  assert.equal(normalizeInspectArgs(['--inspect', '--']), [`--inspect=${defaultInspectorPort}`, '--']);
});

flag.run();
