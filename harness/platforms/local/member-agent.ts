import http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * How long a pooled connection may idle when the backend announces no keep-alive timeout: below
 * Node's default server timeout of 5 s. With a `timeout` set, Node also lowers it to 1 s under the
 * backend's `Keep-Alive: timeout=N`; without one it ignores that hint and keeps connections until
 * the backend closes them, and a request written as the backend closes meets a reset: a 502.
 */
const IDLE_MS = 4000;

/**
 * The front door's keep-alive connections to one pool member, retired before the backend's idle
 * timeout (IDLE_MS). LIFO reuses the most recently used connection, so the others idle longest,
 * and a burst (or a member leaving the pool, its share moving to the rest) reaches for exactly
 * those. Once the member is drained no
 * connection is handed out again: the idle ones are closed at once (the replica is about to close
 * them itself, and a request must never be written on a connection its server is closing), and
 * those still carrying a request are closed when it ends instead of going back to the pool.
 * upsert bringing the member back starts from fresh connections.
 */
export class MemberAgent extends http.Agent {
  draining = false;

  constructor() {
    super({ keepAlive: true, scheduling: 'lifo', timeout: IDLE_MS });
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
