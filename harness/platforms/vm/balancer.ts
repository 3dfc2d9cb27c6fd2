// The fleet's HAProxy (Debian's package, on the balancer machine) and its runtime API, driven
// from here through `socat` on that machine: the multi-node procedure drains a node, takes it out,
// and puts it back once it answers ready, one node at a time.
import { InfrastructureError } from '../../errors.ts';
import { httpDefaults } from '../docker/haproxy-config.ts';
import { parseServersState } from '../docker/haproxy-runtime-api.ts';
import { waitFor } from '../../util/wait-for.ts';
import { mustRun, type Machine } from './machine.ts';

export const BALANCER_PORT = 80;
const BACKEND = 'app';
const SOCKET = '/run/haproxy/admin.sock';
const DRAIN_TIMEOUT_MS = 30_000;
const UP_TIMEOUT_MS = 30_000;

export interface BalancerOptions {
  nodes: { name: string; address: string }[];
  appPort: number;
  readyPath: string;
}

export function balancerConfig(options: BalancerOptions): string {
  return [
    'global',
    '  maxconn 4096',
    `  stats socket ${SOCKET} mode 600 level admin`,
    '',
    'defaults',
    ...httpDefaults(),
    '',
    'frontend traffic',
    `  bind :${BALANCER_PORT}`,
    `  default_backend ${BACKEND}`,
    '',
    `backend ${BACKEND}`,
    '  balance roundrobin',
    `  option httpchk GET ${options.readyPath}`,
    '  http-check expect status 200',
    '  default-server check inter 500 fall 2 rise 2',
    ...options.nodes.map((node) => `  server ${node.name} ${node.address}:${options.appPort}`),
    '',
  ].join('\n');
}

export class Balancer {
  readonly machine: Machine;
  private readonly options: BalancerOptions;

  constructor(machine: Machine, options: BalancerOptions) {
    this.machine = machine;
    this.options = options;
  }

  /** Writes the configuration and starts HAProxy; resolves once every node is up in it. */
  async start(): Promise<void> {
    await this.machine.writeFile('/etc/haproxy/haproxy.cfg', balancerConfig(this.options));
    await mustRun(this.machine, ['systemctl', 'enable', '--now', 'haproxy']);
    for (const node of this.options.nodes) await this.waitUp(node.name);
  }

  async send(command: string): Promise<string> {
    const result = await this.machine.exec(['socat', 'stdio', SOCKET], { input: `${command}\n`, timeoutMs: 10_000 });
    if (result.exitCode !== 0) throw new InfrastructureError(`HAProxy on ${this.machine.name}: "${command}" failed: ${result.stderr.trim()}`, { code: 'HAPROXY_API' });
    return result.stdout;
  }

  /** Stops sending new requests to the node and waits until the ones it holds are answered. */
  async drain(node: string): Promise<void> {
    await this.change(`set server ${BACKEND}/${node} state drain`);
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while ((await this.currentSessions(node)) > 0) {
      if (Date.now() > deadline) throw new InfrastructureError(`${node} still held requests ${DRAIN_TIMEOUT_MS / 1000} s after it was drained`, { code: 'DRAIN_TIMEOUT' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.change(`set server ${BACKEND}/${node} state maint`);
  }

  /**
   * Puts a node back into rotation once it answers ready, asked from the balancer machine itself:
   * HAProxy keeps the check result it had before maintenance, so without this a node whose new
   * process is still starting would be called up at once and take requests.
   */
  async restore(node: string, timeoutMs: number): Promise<void> {
    const address = this.options.nodes.find((candidate) => candidate.name === node)?.address ?? node;
    const request = `GET ${this.options.readyPath} HTTP/1.0\r\nHost: ${address}\r\n\r\n`;
    await waitFor(
      async () => {
        const answer = await this.machine.exec(['socat', '-t', '2', '-T', '2', '-', `TCP:${address}:${this.options.appPort}`], { input: request, timeoutMs: 5000 });
        return /^HTTP\/1\.[01] 200 /.test(answer.stdout);
      },
      { what: `${node} to answer ready (GET ${this.options.readyPath} from ${this.machine.name})`, timeoutMs, intervalMs: 200 },
    );
    await this.change(`set server ${BACKEND}/${node} state ready`);
    await this.waitUp(node);
  }

  /** `UP`, `DOWN`, `MAINT`, `DRAIN` per node, as HAProxy sees them now (for the timeline). */
  async states(): Promise<Record<string, string>> {
    const states = parseServersState(await this.send(`show servers state ${BACKEND}`));
    return Object.fromEntries(states.map((state) => [state.server, (state.admin & 0x01) || (state.admin & 0x04) ? 'MAINT' : state.admin & 0x08 ? 'DRAIN' : state.operational === 2 ? 'UP' : 'DOWN']));
  }

  private async waitUp(node: string): Promise<void> {
    const deadline = Date.now() + UP_TIMEOUT_MS;
    for (;;) {
      const state = parseServersState(await this.send(`show servers state ${BACKEND}`)).find((server) => server.server === node);
      if (state && state.operational === 2 && (state.admin & 0x0d) === 0) return;
      if (Date.now() > deadline) throw new InfrastructureError(`HAProxy did not see ${node} up within ${UP_TIMEOUT_MS / 1000} s (its check is GET ${this.options.readyPath})`, { code: 'NODE_NOT_UP' });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async currentSessions(node: string): Promise<number> {
    // `show stat` is CSV: pxname,svname,qcur,qmax,scur,...
    const row = (await this.send('show stat')).split('\n').find((line) => line.startsWith(`${BACKEND},${node},`));
    return Number(row?.split(',')[4] ?? 0);
  }

  private async change(command: string): Promise<void> {
    const answer = (await this.send(command)).trim();
    if (answer !== '') throw new InfrastructureError(`HAProxy refused "${command}": ${answer}`, { code: 'HAPROXY_REFUSED' });
  }
}
