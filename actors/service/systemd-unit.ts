// The systemd unit that runs `kvcert run` as a service on Linux.

export interface UnitOptions {
  /** The Node executable, absolute. */
  nodePath: string;
  /** kvcert's CLI entry, absolute. */
  cliPath: string;
  /** Arguments after `run`, e.g. `--settings /etc/kvcert/settings.json`. */
  runArgs: string[];
}

/** Quotes one argument for an ExecStart line (systemd's own quoting rules, not a shell's). */
function quote(argument: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(argument)) return argument;
  return `"${argument.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Renders the unit: restarts on failure, reloads settings with SIGHUP (`systemctl reload`),
 * and stops with SIGTERM, which lets an install in flight finish within TimeoutStopSec.
 */
export function renderSystemdUnit(options: UnitOptions): string {
  const execStart = [options.nodePath, options.cliPath, 'run', ...options.runArgs].map(quote).join(' ');
  return `[Unit]
Description=kvcert: keeps Azure Key Vault certificates installed
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart=${execStart}
ExecReload=/bin/kill -HUP $MAINPID
KillSignal=SIGTERM
TimeoutStopSec=90
Restart=on-failure
RestartSec=10
UMask=0077

[Install]
WantedBy=multi-user.target
`;
}
