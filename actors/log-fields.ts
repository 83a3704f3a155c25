// The only fields a log line may carry besides time, level and event. Anything else is
// dropped, so that a secret value cannot reach a log by accident.
export const logFields = [
  'certificateUrl', 'version', 'thumbprint', 'state', 'previousState', 'attempt', 'delayMs', 'reason',
  'message', 'status', 'store', 'paths', 'changed', 'warnings', 'notAfter', 'settingsFile', 'count',
  'vaultUrl', 'statusFile', 'pid', 'storeKind', 'previousThumbprint', 'note',
  'hook', 'command', 'exitCode', 'signal', 'timedOut', 'durationMs', 'output', 'address',
] as const;

export type LogField = (typeof logFields)[number];
