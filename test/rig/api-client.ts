// The few API calls the rig makes itself (readiness, nodes, the default ServiceAccount), over
// node:https with the admin client certificate; the tests use @kubernetes/client-node.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

export interface ApiResponse {
  status: number;
  body: string;
}

export class RigApiClient {
  readonly #base: string;
  readonly #agent: Agent;

  constructor(base: string, tls: { ca: string; cert?: string; key?: string }) {
    this.#base = base;
    this.#agent = new Agent({
      keepAlive: true,
      ca: readFileSync(tls.ca),
      cert: tls.cert ? readFileSync(tls.cert) : undefined,
      key: tls.key ? readFileSync(tls.key) : undefined,
    });
  }

  /** Never throws for a refused connection: readiness polls treat that as "not yet" (status 0). */
  async request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve) => {
      const req = request(
        new URL(path, this.#base),
        {
          method,
          agent: this.#agent,
          timeout: 10_000,
          headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (error) => resolve({ status: 0, body: String(error) }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => resolve({ status: 0, body: String(error) }));
      req.end(payload);
    });
  }

  async json<T>(path: string): Promise<T | undefined> {
    const res = await this.request('GET', path);
    return res.status === 200 ? (JSON.parse(res.body) as T) : undefined;
  }

  close(): void {
    this.#agent.destroy();
  }
}
