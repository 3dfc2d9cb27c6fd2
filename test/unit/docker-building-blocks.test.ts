import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTool, ToolFailedError, ToolMissingError } from '../../harness/tools/run-tool.ts';
import { inputsHash, type ImageRecipe } from '../../harness/platforms/docker/images/build-image.ts';
import { mirrorsIn } from '../../harness/platforms/docker/images/apt-mirror.ts';
import { packageClosure } from '../../harness/platforms/docker/images/node-packages.ts';
import { haproxyConfig } from '../../harness/platforms/docker/haproxy-config.ts';
import { parseServersState } from '../../harness/platforms/docker/haproxy-runtime-api.ts';
import { scaledWeights } from '../../harness/platforms/docker/haproxy-front-door.ts';
import { projectRoot } from '../support/cli.ts';

const node = process.execPath;
const temps: string[] = [];
afterEach(async () => {
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'uh-docker-unit-'));
  temps.push(dir);
  return dir;
};

describe('runTool: the one wrapper around external programs', () => {
  it('returns stdout and the duration of a program that succeeds', async () => {
    const result = await runTool(node, ['-e', 'process.stdout.write("hello")']);
    expect(result.stdout).toBe('hello');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps command, exit code and the stderr tail of a program that fails', async () => {
    const script = 'for (let i = 1; i <= 30; i++) console.error("line " + i); process.exit(3)';
    const error = await runTool(node, ['-e', script]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolFailedError);
    const failed = error as ToolFailedError;
    expect(failed.exitCode).toBe(3);
    expect(failed.command).toContain('-e');
    expect(failed.stderrTail.at(-1)).toBe('line 30');
    expect(failed.stderrTail).not.toContain('line 1');
    expect(failed.message).toMatch(/exited with code 3/);
    expect(failed.code).toBe('TOOL_FAILED');
  });

  it('says how to install a program that is missing', async () => {
    const error = await runTool('upgrade-harness-no-such-program', [], { installHint: 'apt-get install -y nothing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as ToolMissingError).hint).toBe('apt-get install -y nothing');
  });

  it('passes arguments as they are, never through a shell', async () => {
    const result = await runTool(node, ['-e', 'process.stdout.write(process.argv[1])', '$(echo injected); *']);
    expect(result.stdout).toBe('$(echo injected); *');
  });
});

describe('image cache key', () => {
  const recipe = async (dir: string): Promise<ImageRecipe> => ({
    tag: 'x:1',
    dockerfile: join(dir, 'Dockerfile'),
    files: [{ from: join(dir, 'app'), to: 'app' }],
    args: { APP_VERSION: '1.0.0' },
    extraInputs: ['sha256:base'],
  });

  it('stays the same for the same inputs and changes with any file, argument or base image', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'app'));
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    await writeFile(join(dir, 'app', 'a.js'), 'one');
    const base = await recipe(dir);
    const first = await inputsHash(base);
    expect(await inputsHash(base)).toBe(first);
    await writeFile(join(dir, 'app', 'a.js'), 'two');
    const changedFile = await inputsHash(base);
    expect(changedFile).not.toBe(first);
    expect(await inputsHash({ ...base, args: { APP_VERSION: '1.1.0' } })).not.toBe(changedFile);
    expect(await inputsHash({ ...base, extraInputs: ['sha256:other'] })).not.toBe(changedFile);
    await writeFile(join(dir, 'app', 'b.js'), '');
    expect(await inputsHash(base)).not.toBe(changedFile);
  });
});

describe('npm package closure', () => {
  it('finds pg and every package it needs in the project node_modules', async () => {
    const closure = await packageClosure(['pg'], join(projectRoot, 'scenarios/sample-app'));
    expect([...closure.keys()]).toEqual(expect.arrayContaining(['pg', 'pg-pool', 'pg-protocol', 'pg-types', 'pgpass', 'postgres-array', 'split2']));
  });

  it('names a package that is not installed', async () => {
    await expect(packageClosure(['upgrade-harness-not-a-package'], projectRoot)).rejects.toThrow(/upgrade-harness-not-a-package is not installed/);
  });
});

describe('apt sources', () => {
  it('reads mirror URIs from deb822 and one-line formats', () => {
    expect(mirrorsIn('Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\n')).toEqual(['http://deb.debian.org/debian']);
    expect(mirrorsIn('deb [arch=amd64] http://mirror.example/debian bookworm main\n# deb http://old/ x\n')).toEqual(['http://mirror.example/debian']);
  });
});

describe('HAProxy', () => {
  it('configures two backends of disabled slots checked on the ready path, routed by a map', () => {
    const config = haproxyConfig({ slots: 3, readyPath: '/readyz' });
    expect(config).toContain('option httpchk GET /readyz');
    expect(config.match(/^\s+server s\d 127\.0\.0\.1:1$/gm)).toHaveLength(6);
    expect(config).toMatch(/use_backend %\[str\(active\),map\(\/etc\/haproxy\/pool\.map,pool_a\)\]/);
    expect(config).toContain('default-server check inter 500 fall 2 rise 2 disabled');
  });

  it("names the cause on the errors HAProxy answers itself, and only on those", () => {
    const config = haproxyConfig({ slots: 1, readyPath: '/readyz' });
    for (const [status, cause] of [['502', 'reset'], ['503', 'refused'], ['504', 'timeout']]) {
      expect(config).toMatch(new RegExp(`^  http-error status ${status} .* hdr X-Upstream-Error ${cause}$`, 'm'));
    }
    // A 503 without a chosen server is an empty pool; the rule runs after the slot is known.
    const rules = config.split('\n').filter((line) => line.includes('http-after-response'));
    expect(rules.at(-1)).toMatch(/set-header X-Upstream-Error no-member if .* !\{ var\(txn\.upstream_slot\) -m found \}/);
    expect(rules[0]).toContain('set-var(txn.upstream_slot) srv_name');
  });

  it('parses `show servers state`', () => {
    const text = '1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord\n3 pool_a 1 s1 172.18.0.4 2 0 1 1 12 6 3 4 6 0 0 0 - 8080 -\n3 pool_a 2 s2 127.0.0.1 0 1 1 1 12 1 0 0 14 0 0 0 - 1 -\n';
    expect(parseServersState(text)).toEqual([
      { backend: 'pool_a', server: 's1', address: '172.18.0.4', operational: 2, admin: 0, weight: 1, port: 8080 },
      { backend: 'pool_a', server: 's2', address: '127.0.0.1', operational: 0, admin: 1, weight: 1, port: 1 },
    ]);
  });

  it('scales weights into 0..256 without turning a positive weight into 0', () => {
    expect(scaledWeights([1, 3])).toEqual([1, 3]);
    expect(scaledWeights([180, 20])).toEqual([180, 20]);
    expect(scaledWeights([1000, 1])).toEqual([256, 1]);
    expect(scaledWeights([0, 512])).toEqual([0, 256]);
    expect(() => scaledWeights([-1])).toThrow(/weight -1/);
  });
});
