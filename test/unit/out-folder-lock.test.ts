import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../harness/errors.ts';
import { LOCK_FILE, lockOutFolder } from '../../harness/runner/out-folder-lock.ts';
import { projectRoot, testDir } from '../support/cli.ts';

const ourNamespace = () => readlink('/proc/self/ns/pid');
const holder = async (dir: string) => JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as { runId: string };

/** A lock as another run would have left it. */
async function foreignLock(dir: string, lease: Record<string, unknown>, ageMs = 0): Promise<void> {
  const file = join(dir, LOCK_FILE);
  await writeFile(file, JSON.stringify({ runId: 'other-run', host: hostname(), startedAt: '2026-01-01T00:00:00.000Z', ...lease }));
  const at = new Date(Date.now() - ageMs);
  await utimes(file, at, at);
}

describe('the out-folder lock', () => {
  it('refuses a folder a live run holds, naming it, and frees it when disposed', async () => {
    const dir = await testDir();
    const first = await lockOutFolder(dir, 'first-run');
    const refused = await lockOutFolder(dir, 'second-run').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).message).toMatch(new RegExp(`is in use by run first-run \\(pid ${process.pid} on .+, started \\d{4}-\\d\\d-\\d\\dT`));
    expect(await holder(dir)).toMatchObject({ runId: 'first-run' });
    await first[Symbol.asyncDispose]();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    await (await lockOutFolder(dir, 'second-run'))[Symbol.asyncDispose]();
  });

  it('takes over the lock of a run that is gone: its pid dead, or reused by another process', async () => {
    const dir = await testDir();
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    await foreignLock(dir, { pid: dead, pidNamespace: await ourNamespace(), startTicks: '1' });
    await (await lockOutFolder(dir, 'after-dead'))[Symbol.asyncDispose]();
    // Our own pid, but a start time that is not ours: the pid was reused.
    await foreignLock(dir, { pid: process.pid, pidNamespace: await ourNamespace(), startTicks: '1' });
    const lock = await lockOutFolder(dir, 'after-reuse');
    expect(await holder(dir)).toMatchObject({ runId: 'after-reuse' });
    await lock[Symbol.asyncDispose]();
  });

  it('judges a run in another PID namespace by its renewals: fresh is alive, long unrenewed is gone', async () => {
    const dir = await testDir();
    await foreignLock(dir, { pid: 1, pidNamespace: 'pid:[1]', startTicks: '1' });
    await expect(lockOutFolder(dir, 'mine')).rejects.toThrow(/in use by run other-run/);
    await foreignLock(dir, { pid: 1, pidNamespace: 'pid:[1]', startTicks: '1' }, 60_000);
    await (await lockOutFolder(dir, 'mine'))[Symbol.asyncDispose]();
  });

  it('is released when the process exits without disposing it (a second Ctrl-C)', async () => {
    const dir = await testDir();
    const script = [
      `import { existsSync } from 'node:fs';`,
      `import { lockOutFolder } from ${JSON.stringify(join(projectRoot, 'harness/runner/out-folder-lock.ts'))};`,
      `await lockOutFolder(process.argv[1], 'exits');`,
      `process.stdout.write(existsSync(process.argv[1] + '/${LOCK_FILE}') ? 'locked' : 'not locked');`,
      'process.exit(130);',
    ].join('\n');
    const exited = (() => {
      try {
        execFileSync(process.execPath, ['--input-type=module', '-e', script, dir], { encoding: 'utf8' });
        return { status: 0, stdout: '' };
      } catch (error) {
        return error as { status: number; stdout: string };
      }
    })();
    expect(exited).toMatchObject({ status: 130, stdout: 'locked' });
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('says when --out cannot be a folder', async () => {
    const dir = await testDir();
    await writeFile(join(dir, 'a-file'), '');
    await expect(lockOutFolder(join(dir, 'a-file'), 'mine')).rejects.toThrow(/cannot use --out .*a-file: it, or a folder above it, is a file/);
  });
});
