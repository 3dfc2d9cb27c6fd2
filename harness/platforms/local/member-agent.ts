import http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The front door's keep-alive connections to one pool member. LIFO reuses the most recently used
 * connection: the least likely to have been closed by the backend. Once the member is drained no
 * connection is handed out again: the idle ones are closed at once (the replica is about to close
 * them itself, and a request must never be written on a connection its server is closing), and
 * those still carrying a request are closed when it ends instead of going back to the pool.
 * upsert bringing the member back starts from fresh connections.
 */
export class MemberAgent extends http.Agent {
  draining = false;

  constructor() {
    super({ keepAlive: true, scheduling: 'lifo' });
  }

  drain(): void {
    this.draining = true;
    for (const sockets of Object.values(this.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }

  override keepSocketAlive(socket: Duplex): boolean {
    if (this.draining) return false;
    // Node's own answers whether to keep the socket (@types/node declares it void).
    return super.keepSocketAlive(socket) as unknown as boolean;
  }
}
