// Verification failures say what the sampled requests got, not just "no answer".
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../harness/matrix/cell.ts';
import type { Installation } from '../../harness/platforms/platform.ts';
import { askVersion, verifyVersion } from '../../harness/runner/verify.ts';

let base = '';
let closedUrl = '';
const server = http.createServer((req, res) => {
  if (req.url === '/header') res.writeHead(200, { 'x-app-version': '1.1.0' }).end('{}');
  else if (req.url === '/body') res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"1.1.0"}');
  else if (req.url === '/none') res.writeHead(200).end('hello');
  else if (req.url === '/info') res.writeHead(200, { 'content-type': 'application/json', 'x-app-version': 'not this one' }).end('{"build":{"version":"1.2.0"}}');
  else if (req.url === '/custom') res.writeHead(200, { 'x-notes-version': '2.0.0' }).end('{"version":"not this one"}');
  else if (req.url === '/app-503') res.writeHead(503, { 'x-app-version': '1.1.0' }).end();
  else res.writeHead(502, { 'x-upstream-error': 'reset', 'x-upstream-version': '1.0.0' }).end('front door');
});

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closed = http.createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/version`;
  await new Promise((resolve) => closed.close(resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('askVersion', () => {
  it('reads the version from the header, else from the JSON body', async () => {
    expect(await askVersion(base, { path: '/header' })).toEqual({ version: '1.1.0' });
    expect(await askVersion(base, { path: '/body' })).toEqual({ version: '1.1.0' });
  });

  it('says what happened when there is no version', async () => {
    expect(await askVersion(base, { path: '/none' })).toEqual({ version: null, problem: 'the answer to GET /none is not JSON and has no X-App-Version header' });
    expect(await askVersion(base, { path: '/info', json: '/build/version' })).toEqual({ version: '1.2.0' });
    expect(await askVersion(base, { path: '/info', json: '/build/name' })).toEqual({ version: null, problem: 'nothing at /build/name in the body of GET /info' });
    expect(await askVersion(base, { path: '/custom', header: 'X-Notes-Version' })).toEqual({ version: '2.0.0' });
    expect(await askVersion(base, { path: '/body', header: 'X-Notes-Version' })).toEqual({ version: null, problem: 'no X-Notes-Version header in the answer to GET /body' });
    expect(await askVersion(base, { path: '/app-503' })).toEqual({ version: null, problem: 'HTTP 503' });
    expect(await askVersion(base, { path: '/dropped' })).toEqual({ version: null, problem: 'HTTP 502 (front door: upstream reset, replica 1.0.0)' });
    expect(await askVersion(closedUrl, { path: '' })).toEqual({ version: null, problem: 'no response: ECONNREFUSED' });
  });
});

describe('verifyVersion', () => {
  const healthy: Installation = { migrate: async () => {}, upgrade: async () => {}, problems: async () => [] };
  const scenario = (path: string) => ({ endpoints: { health: '/', ready: '/', version: { path } } }) as unknown as Scenario;

  it('passes when every sample is served by the expected version', async () => {
    expect(await verifyVersion(healthy, base, scenario('/header'), '1.1.0')).toEqual(['served by 1.1.0']);
  });

  it('names what the samples got instead', async () => {
    await expect(verifyVersion(healthy, base, scenario('/dropped'), '1.1.0')).rejects.toThrow(
      'verification of 1.1.0 failed: 20 of 20 requests through the front door: HTTP 502 (front door: upstream reset, replica 1.0.0)',
    );
    await expect(verifyVersion(healthy, base, scenario('/header'), '2.0.0')).rejects.toThrow('20 of 20 requests through the front door: served by 1.1.0');
  });

  it('calls a failure that starvation can explain timing-dependent, and a wrong version or a broken replica never', async () => {
    const timing = async (installation: Installation, path: string, expected: string) =>
      verifyVersion(installation, base, scenario(path), expected).then(
        () => null,
        (error: { timingDependent?: boolean }) => error.timingDependent,
      );
    // The front door answering for members that are not ready (yet): a starved machine does that too.
    expect(await timing(healthy, '/dropped', '1.1.0')).toBe(true);
    expect(await timing(healthy, '/header', '2.0.0')).toBe(false);
    const broken: Installation = { ...healthy, problems: async () => ['replica r2 exited'] };
    expect(await timing(broken, '/dropped', '1.1.0')).toBe(false);
  });
});
