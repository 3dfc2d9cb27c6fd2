// HAProxy's configuration for one cell: two identical backends of empty server slots (in
// maintenance) and a frontend that routes by a one-entry map. The front door fills slots through
// the runtime API; a pool switch fills the idle backend, then flips the map entry, which is a
// single runtime command: every request routed after it goes to the new pool, none before.
// A second map names the version of the replica in each filled slot, so an error HAProxy answers
// itself (a replica dropped the request or refused it) still says which version failed, and
// X-Upstream-Error on those errors says what HAProxy saw (see upstreamErrorRules).
export const HAPROXY_CONFIG_PATH = '/etc/haproxy/haproxy.cfg';
export const POOL_MAP_PATH = '/etc/haproxy/pool.map';
/** `<backend>/<slot> <version>` for every filled slot; the front door keeps it through the runtime API. */
export const VERSION_MAP_PATH = '/etc/haproxy/versions.map';
export const UPSTREAM_VERSION_HEADER = 'X-Upstream-Version';
/** The same header, and values, as the local front door's (harness/traffic/upstream-cause.ts). */
export const UPSTREAM_ERROR_HEADER = 'X-Upstream-Error';
export const TRAFFIC_PORT = 8080;
export const RUNTIME_API_PORT = 9999;
export const BACKENDS = ['pool_a', 'pool_b'] as const;
export type BackendName = (typeof BACKENDS)[number];
export const POOL_MAP_KEY = 'active';

export interface HaproxyConfigOptions {
  /** Server slots per backend: at least the most replicas a method runs at once. */
  slots: number;
  /** Readiness path checked on every server (the scenario's endpoints.ready). */
  readyPath: string;
}

export const slotName = (index: number): string => `s${index + 1}`;
/** The version map's key: slot names repeat in both backends. */
export const versionMapKey = (backend: BackendName, slot: string): string => `${backend}/${slot}`;

export function haproxyConfig(options: HaproxyConfigOptions): string {
  const backend = (name: BackendName) => [
    `backend ${name}`,
    '  balance roundrobin',
    `  option httpchk GET ${options.readyPath}`,
    '  http-check expect status 200',
    // Slots start in maintenance with a placeholder address; `set server ... addr` fills one.
    '  default-server check inter 500 fall 2 rise 2 disabled',
    ...Array.from({ length: options.slots }, (_, index) => `  server ${slotName(index)} 127.0.0.1:1`),
    '',
  ];
  return [
    'global',
    '  maxconn 4096',
    // Reached from the host through a port published on 127.0.0.1 only.
    `  stats socket ipv4@0.0.0.0:${RUNTIME_API_PORT} level admin`,
    '  log stdout format raw local0 info',
    '',
    'defaults',
    '  log global',
    // Only failed or aborted requests are logged: each one is a finding worth reading.
    '  option httplog',
    '  option dontlog-normal',
    ...httpDefaults(),
    '',
    'frontend traffic',
    `  bind :${TRAFFIC_PORT}`,
    `  use_backend %[str(${POOL_MAP_KEY}),map(${POOL_MAP_PATH},${BACKENDS[0]})]`,
    ...upstreamVersionRules(),
    ...noMemberRule(),
    '',
    ...backend('pool_a'),
    ...backend('pool_b'),
  ].join('\n');
}

/**
 * The `defaults` every front door of the harness shares (the docker platform's, a vm fleet's
 * balancer): HTTP, a fresh server connection per request, so no request can land on an idle
 * connection the app is just closing (its graceful shutdown closes idle keep-alive connections)
 * or on one to a node being drained, and errors that name their upstream cause.
 */
export function httpDefaults(): string[] {
  return [
    '  mode http',
    '  option http-server-close',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 30s',
    '  timeout http-keep-alive 60s',
    '  timeout check 1s',
    ...upstreamErrorRules(),
  ];
}

/**
 * http-after-response also runs on the 502/503 HAProxy answers itself. When the app did not name
 * its version (it never answered), name the version of the slot HAProxy chose, as the local front
 * door does on its own 502s. No server chosen (503, empty pool) or an empty slot: no header.
 */
function upstreamVersionRules(): string[] {
  return [
    '  http-after-response set-var(txn.upstream_slot) srv_name',
    `  http-after-response set-var(txn.upstream_version) be_name,concat(/,txn.upstream_slot),map(${VERSION_MAP_PATH}) if { var(txn.upstream_slot) -m found } !{ res.hdr(x-app-version) -m found }`,
    `  http-after-response set-header ${UPSTREAM_VERSION_HEADER} %[var(txn.upstream_version)] if { var(txn.upstream_version) -m found }`,
  ];
}

/**
 * HAProxy 2.6 (Debian bookworm's) has no sample fetch for the termination state (`%ts` is empty
 * until the log line), but `http-error` replaces only the errors HAProxy generates itself, never a
 * 5xx the app sent, so each status it generates names its cause: 502 the server closed the
 * connection or answered garbage before a whole response (termination states SH, SD, PH: `reset`),
 * 503 no connection could be made to the chosen server, refused or timed out after the retries
 * (SC, sC: `refused`), 504 the server did not answer within `timeout server` (sH: `timeout`).
 */
function upstreamErrorRules(): string[] {
  const error = (status: number, cause: string, text: string) =>
    `  http-error status ${status} content-type text/plain string "front door: ${text}" hdr ${UPSTREAM_ERROR_HEADER} ${cause}`;
  return [error(502, 'reset', 'the server broke off the request'), error(503, 'refused', 'no server could take the request'), error(504, 'timeout', 'the server did not answer in time')];
}

/** A 503 with no server chosen is an empty or all-down pool, not a refused connection. */
function noMemberRule(): string[] {
  return [`  http-after-response set-header ${UPSTREAM_ERROR_HEADER} no-member if { res.hdr(${UPSTREAM_ERROR_HEADER}) -m str refused } !{ var(txn.upstream_slot) -m found }`];
}

export const initialPoolMap = (): string => `${POOL_MAP_KEY} ${BACKENDS[0]}\n`;
/** Empty: every slot starts empty; HAProxy needs the file to exist when it loads the configuration. */
export const initialVersionMap = (): string => '# <backend>/<slot> <version>, kept by the front door through the runtime API\n';
