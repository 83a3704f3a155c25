// Connection-level faults: new TCP connections reset before the TLS handshake finishes, as a
// middlebox or an overloaded server does.
import type { Server, Socket } from 'node:net';

/** Resets new connections while armed. Attach it to every server the emulator starts. */
export class ConnectionFaults {
  #remaining = 0;
  /** Number of connections reset so far. */
  resets = 0;

  /** Resets the next `count` new connections. Without `count`, it resets them until `clear()`. */
  resetNext(count = Number.POSITIVE_INFINITY): void {
    this.#remaining = count;
  }

  clear(): void {
    this.#remaining = 0;
  }

  /** Listens for raw connections on `server`, which for a TLS server arrive before the handshake. */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => {
      if (this.#remaining <= 0) return;
      this.#remaining -= 1;
      this.resets += 1;
      socket.resetAndDestroy();
    });
  }
}
