// The pieces that let a scenario file speak a real app's API: JSON pointers, the read probe's
// expectations, the setup step's output, probes filled from it, the user's own environment for
// the app's commands, and which platforms carry out which lifecycle step.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../harness/matrix/cell.ts';
import { lifecycleFitsPlatforms } from '../../harness/matrix/hop-rules.ts';
import type { MatrixConfig } from '../../harness/matrix/matrix-schema.ts';
import { responseJudge } from '../../harness/traffic/expect-response.ts';
import { fillProbes, parseSetupOutput } from '../../harness/traffic/fill-probes.ts';
import { OUTCOME_OK, outcomeCode } from '../../harness/traffic/outcome.ts';
import { SecretMask } from '../../harness/runner/secret-mask.ts';
import { JSON_POINTER_PATTERN, jsonTypeOf, pointerResolves, resolvePointer } from '../../harness/util/json-pointer.ts';
import { userEnvironment, userPath } from '../../harness/util/user-environment.ts';

const WRONG_BODY = outcomeCode('wrong-body');
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('JSON pointers (RFC 6901)', () => {
  const document = { build: { version: '1.2.0' }, data: [{ id: 7, 'a/b': 1, 'm~n': 2 }], empty: null };
  it('resolve names, indexes and escapes; a missing step does not resolve', () => {
    expect(resolvePointer(document, '/build/version')).toBe('1.2.0');
    expect(resolvePointer(document, '/data/0/id')).toBe(7);
    expect(resolvePointer(document, '/data/0/a~1b')).toBe(1);
    expect(resolvePointer(document, '/data/0/m~0n')).toBe(2);
    expect(resolvePointer(document, '')).toBe(document);
    expect(pointerResolves(document, '/empty')).toBe(true);
    for (const missing of ['/data/1/id', '/data/00', '/data/-', '/build/version/x', '/nope', '/data/0/toString']) expect(pointerResolves(document, missing), missing).toBe(false);
  });
  it('are told from what is not one', () => {
    for (const good of ['', '/', '/a', '/a/0', '/a~0b/~1']) expect(JSON_POINTER_PATTERN.test(good), good).toBe(true);
    for (const bad of ['a', 'data/0', '/a~2', '/a~']) expect(JSON_POINTER_PATTERN.test(bad), bad).toBe(false);
  });
  it('type values as JSON does', () => {
    expect([1, 'x', true, [], {}, null, undefined].map(jsonTypeOf)).toEqual(['number', 'string', 'boolean', 'array', 'object', 'null', 'undefined']);
  });
});

describe("the read probe's expectations", () => {
  const judge = responseJudge({ status: [200], json: { '/data': 'array', '/data/0/id': 'number' } })!;
  it('pass the shape they describe', () => {
    expect(judge(200, json({ data: [{ id: 1 }] }))).toBe(OUTCOME_OK);
  });
  it('call a changed shape, another success status, a body that is not JSON or too large wrong-body', () => {
    expect(judge(200, json({ data: [{ id: '1' }] }))).toBe(WRONG_BODY); // ids became strings
    expect(judge(200, json({ data: [] }))).toBe(WRONG_BODY); // the pointer does not resolve
    expect(judge(200, json({ items: [{ id: 1 }] }))).toBe(WRONG_BODY);
    expect(judge(204, json({ data: [{ id: 1 }] }))).toBe(WRONG_BODY);
    expect(judge(200, Buffer.from('<html>'))).toBe(WRONG_BODY);
    expect(judge(200, null)).toBe(WRONG_BODY);
  });
  it('are no judge at all when nothing is expected', () => {
    expect(responseJudge(undefined)).toBeUndefined();
    expect(responseJudge({ status: [200, 201] })!(201, null)).toBe(OUTCOME_OK);
  });
});

describe("the setup step's output", () => {
  it('is one JSON object; its scalar fields become values', () => {
    expect(parseSetupOutput('{"token":"abc","id":42,"admin":true,"nested":{"x":1}}\n', 'setup.log')).toEqual({ token: 'abc', id: '42', admin: 'true' });
  });
  it('is refused, quoting what was printed, when it is anything else', () => {
    for (const printed of ['', 'token=abc', '["abc"]', 'null']) expect(() => parseSetupOutput(printed, 'setup.log'), printed).toThrow(/must print one JSON object/);
  });
  it('fills {{setup.NAME}} in paths, headers, body and read-back, leaving {{key}} and {{value}} for each write', () => {
    const probes: Scenario['probes'] = {
      read: { method: 'GET', path: '/p/{{setup.project}}/items', headers: { Authorization: 'Bearer {{setup.token}}' } },
      write: { method: 'PUT', path: '/p/{{setup.project}}/items/{{key}}', headers: { Authorization: 'Bearer {{setup.token}}' }, body: '{"v":"{{value}}","by":"{{setup.project}}"}', readBack: { path: '/p/{{setup.project}}/items/{{key}}', json: '/v' } },
    };
    const filled = fillProbes(probes, { token: 't0k3n', project: '9' });
    expect(filled.read).toEqual({ method: 'GET', path: '/p/9/items', headers: { Authorization: 'Bearer t0k3n' } });
    expect(filled.write).toMatchObject({ path: '/p/9/items/{{key}}', body: '{"v":"{{value}}","by":"9"}', readBack: { path: '/p/9/items/{{key}}', json: '/v' } });
    expect(() => fillProbes(probes, { token: 'x' })).toThrow('the setup step printed no "project", which probes.read.path uses (it printed token)');
    expect(() => fillProbes(probes, { token: 'a\r\nX-Evil: 1', project: '9' })).toThrow('holds a line break');
  });
  it('has its secrets masked, longest first, short values left alone', () => {
    const mask = new SecretMask();
    mask.add(['abc', 'secret-token', 'secret-token-2']);
    expect(mask.mask('sent secret-token-2 and secret-token; abc')).toBe('sent *** and ***; abc');
  });
});

describe("the app's own environment", () => {
  const npmPath = ['/usr/bin', '/p/node_modules/.bin', '/node_modules/.bin', '/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin', '/usr/local/bin', '/usr/bin'].join(':');
  it('drops what npm put in front of PATH, and its variables', () => {
    expect(userPath(npmPath)).toBe('/usr/local/bin:/usr/bin');
    const env = userEnvironment({ PATH: npmPath, npm_command: 'exec', npm_config_cache: '/x', NODE: '/p/node_modules/node/bin/node', INIT_CWD: '/p', HOME: '/root', NODE_OPTIONS: '--max-old-space-size=512' });
    expect(env).toEqual({ PATH: '/usr/local/bin:/usr/bin', HOME: '/root', NODE_OPTIONS: '--max-old-space-size=512' });
  });
  it('is left as it is when the harness did not run under npm', () => {
    expect(userEnvironment({ PATH: '/work/node_modules/.bin:/usr/bin', NODE: 'kept' })).toEqual({ PATH: '/work/node_modules/.bin:/usr/bin', NODE: 'kept' });
  });
  it('without npm-gyp-bin in PATH, drops node_modules/.bin entries only', () => {
    expect(userPath('/a/node_modules/.bin:/usr/bin:/b/node_modules/.bin')).toBe('/usr/bin');
  });
});

describe('lifecycle steps per platform', () => {
  const scenario = (over: Partial<Scenario>): Scenario =>
    ({ name: 'app', database: 'none', versions: [{ version: '1', run: {} }, { version: '2', run: {}, rollback: { restore: 'snapshot' } }, { version: '3', run: {}, rollback: { down: { command: ['down'], cwd: '/', env: {} } } }], ...over }) as Scenario;
  const config = (platforms: string[]) => ({ platforms }) as unknown as MatrixConfig;
  it('are carried out on local and docker; a snapshot restore also on machines', () => {
    expect(lifecycleFitsPlatforms(config(['local', 'docker']), scenario({ setup: { command: ['s'], cwd: '/', env: {} } }))).toEqual([]);
    expect(lifecycleFitsPlatforms(config(['vm']), scenario({})).map((issue) => issue.message)).toEqual([
      'scenario app uses a down-migration (version 3: rollback.command), which platform vm does not carry out; run it on local or docker',
    ]);
  });
  it('restore a PostgreSQL database only where pg_dump is (docker, machines)', () => {
    expect(lifecycleFitsPlatforms(config(['local']), scenario({ database: 'postgres', versions: [{ version: '2', run: {}, rollback: { restore: 'snapshot' } }] })).map((issue) => issue.message)).toEqual([
      'scenario app uses a snapshot restore (version 2: rollback.restore), which platform local does not carry out of a PostgreSQL database (local has no pg_dump); run it on docker or vm',
    ]);
  });
  it('are refused on Kubernetes, each named with where it is said', () => {
    const issues = lifecycleFitsPlatforms(config(['local', 'kind']), scenario({ setup: { command: ['s'], cwd: '/', env: {} } }));
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['platforms', 1], 'scenario app uses a setup step (setup:), which platform kind does not carry out; run it on local or docker'],
      [['platforms', 1], 'scenario app uses a snapshot restore (version 2: rollback.restore), which platform kind does not carry out; run it on local or docker or vm'],
      [['platforms', 1], 'scenario app uses a down-migration (version 3: rollback.command), which platform kind does not carry out; run it on local or docker'],
    ]);
  });
});
