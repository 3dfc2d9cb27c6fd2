// The local platform's load balancer, run as a child process (local-front-door.ts forks it) so
// that the harness's own event loop (probes, timers, reporters) can never stall the traffic it
// measures. It forwards without retries: a failure here is a failure the customer would see.
//
// Control arrives over the IPC channel; every message is applied before its acknowledgement is
// sent, so once the parent's promise resolves the very next proxied request sees the change.

import http from 'node:http';
import { parseArgs } from 'node:util';
import { UPSTREAM_ERROR_HEADER } from '../../traffic/upstream-cause.ts';
import type { ChildMessage, MemberSpec, MemberStatus, ParentMessage } from './front-door-protocol.ts';
import { MemberAgent } from './member-agent.ts';
import { upstreamCauseOf } from './upstream-error.ts';
import { SmoothWeightedPicker } from './weighted-picker.ts';

interface Member {
  id: string;
  version: string;
  url: URL;
  weight: number;
  state: 'active' | 'draining';
  healthy: boolean;
  /** Consecutive readiness results that disagree with `healthy`; two flip it. */
  streak: number;
  checking: boolean;
  inFlight: number;
  agent: MemberAgent;
}

// Connection-level headers (RFC 9110 7.6.1) belong to one hop and are never forwarded.
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);
const flipAfter = 2;

const { values: args } = parseArgs({
  options: {
    'health-path': { type: 'string', default: '/' },
    'health-interval-ms': { type: 'string', default: '200' },
    'health-timeout-ms': { type: 'string', default: '1000' },
  },
});
const healthPath = args['health-path'];
const healthIntervalMs = Number(args['health-interval-ms']);
const healthTimeoutMs = Number(args['health-timeout-ms']);

const pool = new Map<string, Member>();
/** Removed (or replaced) members that still have requests in flight. */
const retiring = new Set<Member>();
const picker = new SmoothWeightedPicker();

function createMember(spec: MemberSpec): Member {
  const agent = new MemberAgent();
  return { id: spec.id, version: spec.version, url: new URL(spec.url), weight: spec.weight, state: 'active', healthy: true, streak: 0, checking: false, inFlight: 0, agent };
}

function retire(member: Member): void {
  if (member.inFlight === 0) member.agent.destroy();
  else retiring.add(member);
}

function release(member: Member): void {
  member.inFlight--;
  if (member.inFlight === 0 && retiring.delete(member)) member.agent.destroy();
}

/** Adds or updates one member; a changed url is a different backend, so it starts afresh. */
function upsert(spec: MemberSpec): void {
  const existing = pool.get(spec.id);
  if (existing && existing.url.href === new URL(spec.url).href) {
    existing.weight = spec.weight;
    existing.state = 'active';
    existing.agent.draining = false;
    return;
  }
  if (existing) retire(existing);
  picker.forget(spec.id);
  pool.set(spec.id, createMember(spec));
}

function remove(id: string): void {
  const member = pool.get(id);
  if (!member) return;
  pool.delete(id);
  picker.forget(id);
  retire(member);
}

function setPool(specs: MemberSpec[]): void {
  const keep = new Set(specs.map((spec) => spec.id));
  for (const id of [...pool.keys()]) if (!keep.has(id)) remove(id);
  for (const spec of specs) upsert(spec);
  // Map order is insertion order; the picker breaks ties by order, so follow the caller's.
  const ordered = specs.map((spec) => pool.get(spec.id)!);
  pool.clear();
  for (const member of ordered) pool.set(member.id, member);
}

function status(): MemberStatus[] {
  const describe = (member: Member, state: MemberStatus['state']): MemberStatus => ({
    id: member.id,
    url: member.url.href,
    weight: member.weight,
    state,
    healthy: member.healthy,
    inFlight: member.inFlight,
  });
  return [...[...pool.values()].map((m) => describe(m, m.state)), ...[...retiring].map((m) => describe(m, 'removed'))];
}

function pickMember(): Member | undefined {
  const eligible = [...pool.values()].filter((m) => m.state === 'active' && m.healthy);
  const id = picker.pick(eligible);
  return id === undefined ? undefined : pool.get(id);
}

function forwardableHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase()),
  );
  const result: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name) && !named.has(name)) result[name] = value;
  }
  return result;
}

const upstreamError = UPSTREAM_ERROR_HEADER.toLowerCase();

function reply(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function proxy(req: http.IncomingMessage, res: http.ServerResponse): void {
  const member = pickMember();
  if (!member) {
    reply(res, 503, { 'x-front-door': 'no-backend', [upstreamError]: 'no-member' }, 'front door: no backend in the pool is active and healthy\n');
    return;
  }
  member.inFlight++;
  let released = false;
  const done = () => {
    if (!released) {
      released = true;
      release(member);
    }
  };
  const headers = forwardableHeaders(req.headers);
  const peer = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${peer}` : peer;
  const upstream = http.request({
    protocol: member.url.protocol,
    hostname: member.url.hostname,
    port: member.url.port,
    method: req.method,
    path: req.url,
    headers,
    agent: member.agent,
  });

  upstream.on('response', (upstreamRes) => {
    // Which replica answered, for probes of apps that put no version on their responses (as
    // HAProxy's map does on the docker platform).
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, {
      ...forwardableHeaders(upstreamRes.headers),
      'x-front-door-member': member.id,
      ...(upstreamRes.headers['x-app-version'] === undefined ? { 'x-upstream-version': member.version } : {}),
    });
    upstreamRes.pipe(res);
    // The backend broke off mid-body: reset the client as a real load balancer would, never
    // end the response as if it were complete.
    upstreamRes.on('error', () => res.destroy());
    upstreamRes.on('close', () => {
      if (!upstreamRes.complete) res.destroy();
    });
  });
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (res.destroyed) return; // the client left first
    if (res.headersSent) {
      res.destroy();
      return;
    }
    req.unpipe(upstream);
    req.resume(); // discard the rest of the body so the client's connection stays usable
    const code = error.code ?? 'EUPSTREAM';
    const headers = { 'x-front-door-error': code, [upstreamError]: upstreamCauseOf(error), 'x-front-door-member': member.id, 'x-upstream-version': member.version };
    reply(res, 502, headers, `front door: upstream ${member.id} failed: ${code}\n`);
  });
  // The client went away (or its response ended): stop the upstream exchange too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
    done();
  });
  req.pipe(upstream);
}

function check(member: Member): void {
  member.checking = true;
  const settle = (ok: boolean) => {
    if (!member.checking) return;
    member.checking = false;
    if (pool.get(member.id) !== member) return; // removed or replaced meanwhile
    member.streak = ok === member.healthy ? 0 : member.streak + 1;
    if (member.streak >= flipAfter) {
      member.healthy = ok;
      member.streak = 0;
      console.log(`${new Date().toISOString()} member ${member.id} is ${ok ? 'up' : 'down'}`);
      // A member being drained goes down by design; only one in service going down is news.
      if (member.state === 'active') process.send?.({ type: 'health', id: member.id, version: member.version, healthy: ok } satisfies ChildMessage);
    }
  };
  // A fresh connection per check (agent: false), as HAProxy does: a reused socket could hide a
  // backend that no longer accepts connections.
  const request = http.get(new URL(healthPath, member.url), { agent: false, timeout: healthTimeoutMs }, (res) => {
    const statusOk = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 400;
    res.resume();
    res.on('error', () => settle(false));
    res.on('close', () => settle(statusOk && res.complete));
  });
  request.on('timeout', () => request.destroy(new Error('readiness check timed out')));
  request.on('error', () => settle(false));
}

function checkAll(): void {
  for (const member of pool.values()) if (!member.checking) check(member);
}

const server = http.createServer(proxy);
// Longer than any client's idle timeout, so the client closes idle connections first and never
// sends a request on a socket this side is just closing.
server.keepAliveTimeout = 65_000;
const healthTimer = setInterval(checkAll, healthIntervalMs);

/** Stops listening, ends every connection, forgets every backend. Idempotent. */
function shutdown(): void {
  clearInterval(healthTimer);
  server.close();
  server.closeAllConnections();
  for (const member of [...pool.values(), ...retiring]) member.agent.destroy();
}

function apply(message: ParentMessage): ChildMessage {
  if (message.type !== 'status') console.log(`${new Date().toISOString()} ${describeControl(message)}`);
  switch (message.type) {
    case 'setPool':
      setPool(message.members);
      break;
    case 'upsert':
      upsert(message.member);
      break;
    case 'drain': {
      const member = pool.get(message.id);
      if (member) {
        member.state = 'draining';
        member.agent.drain();
      }
      break;
    }
    case 'remove':
      remove(message.id);
      break;
    case 'status':
      return { type: 'ack', requestId: message.requestId, status: status() };
    case 'shutdown':
      break;
  }
  return { type: 'ack', requestId: message.requestId };
}

function describeControl(message: ParentMessage): string {
  const spec = (m: MemberSpec) => `${m.id}=${m.url}@${m.weight}`;
  if (message.type === 'setPool') return `setPool [${message.members.map(spec).join(', ')}]`;
  if (message.type === 'upsert') return `upsert ${spec(message.member)}`;
  if (message.type === 'drain' || message.type === 'remove') return `${message.type} ${message.id}`;
  return message.type;
}

process.on('message', (message: ParentMessage) => {
  let answer: ChildMessage;
  try {
    answer = apply(message);
  } catch (error) {
    answer = { type: 'ack', requestId: message.requestId, error: error instanceof Error ? error.message : String(error) };
  }
  if (message.type === 'shutdown') {
    shutdown();
    process.send?.(answer, () => process.exit(0));
    return;
  }
  process.send?.(answer);
});

// The parent died (or closed the channel): nobody can stop us any more, so stop now.
process.on('disconnect', () => {
  shutdown();
  process.exit(0);
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('front door: no listening address');
  console.log(`${new Date().toISOString()} front door listening on 127.0.0.1:${address.port}`);
  process.send?.({ type: 'listening', port: address.port } satisfies ChildMessage);
});
