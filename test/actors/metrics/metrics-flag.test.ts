import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultMetricsPort, normalizeMetricsArgs, parseMetricsPort } from '../../../actors/metrics/metrics-flag.ts';
import { parseAgentFlags, UsageError } from '../../../actors/cli-options.ts';

const flag = suite('metrics flag');

flag('bare flag gets the default port', () => {
  assert.equal(normalizeMetricsArgs(['--metrics']), [`--metrics=${defaultMetricsPort}`]);
  assert.equal(normalizeMetricsArgs(['--metrics', '--settings', 's.json']), [`--metrics=${defaultMetricsPort}`, '--settings', 's.json']);
  assert.equal(normalizeMetricsArgs(['--metrics', '9100']), ['--metrics', '9100']);
  assert.equal(normalizeMetricsArgs(['--', '--metrics']), ['--', '--metrics']);
});

flag('port range checked', () => {
  assert.is(parseMetricsPort('0'), 0);
  assert.is(parseMetricsPort('65535'), 65535);
  assert.is(parseMetricsPort('65536'), undefined);
  assert.is(parseMetricsPort('http'), undefined);
});

flag('agent flags carry the port', () => {
  assert.is(parseAgentFlags(['--settings', 's.json', '--metrics']).metrics, defaultMetricsPort);
  assert.is(parseAgentFlags(['--settings', 's.json', '--metrics', '9100']).metrics, 9100);
  assert.is(parseAgentFlags(['--settings', 's.json']).metrics, undefined);
  assert.throws(() => parseAgentFlags(['--settings', 's.json', '--metrics', 'x']), (error: Error) =>
    error instanceof UsageError && error.message === "--metrics takes a port from 0 to 65535, not 'x'");
});

flag.run();
