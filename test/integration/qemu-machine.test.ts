// A QEMU machine booted from the cached Debian image (built first when missing: minutes, once
// per machine): its own kernel, commands with environment and input, files with modes, a guest
// port forwarded at runtime, a reboot with a new boot id, and nothing left after destroy.
// Skipped with the reason where QEMU is not installed, except under UPGRADE_HARNESS_REQUIRE_QEMU=1
// (CI), where that is a failure.
import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfrastructureError } from '../../harness/errors.ts';
import { buildQemuImage, type QemuImage } from '../../harness/platforms/vm/machines/qemu-image.ts';
import { QEMU_INSTALL_HINT, startQemuMachine, type QemuMachine } from '../../harness/platforms/vm/machines/qemu-machine.ts';
import { openSshFingerprint } from '../../harness/platforms/vm/machines/ssh-connection.ts';
import { labelledProcesses } from '../../harness/runner/leftovers.ts';
import { holdRunLease } from '../../harness/runner/run-lease.ts';
import { onPath } from '../../harness/tools/on-path.ts';
import { makeTempFolder } from '../../harness/util/temp-folder.ts';
import { waitFor } from '../../harness/util/wait-for.ts';
import { workDirsOf } from '../support/leftovers.ts';

const qemuRequired = process.env.UPGRADE_HARNESS_REQUIRE_QEMU === '1';
const missing = (await onPath('qemu-system-x86_64')) ? null : `qemu-system-x86_64 is not installed (${QEMU_INSTALL_HINT})`;
if (missing && qemuRequired) throw new Error(`qemu machine tests: UPGRADE_HARNESS_REQUIRE_QEMU=1 but ${missing}`);
if (missing) console.log(`skipping qemu machine tests: ${missing}`);

/** A node one-liner in the guest, as a transient unit: listens on all addresses, as QEMU's forward needs. */
const HTTP_SERVER = ['systemd-run', '--unit=uh-test-http', 'node', '-e', "require('http').createServer((q, s) => s.end('hi from ' + require('os').hostname())).listen(8080)"];

describe.skipIf(missing !== null)('qemu machine: a TCG virtual machine from the cached image', () => {
  const runId = `test-${process.pid}-${Date.now()}`;
  let dir: string;
  let image: QemuImage;
  let machine: QemuMachine;
  // As a real run holds one: a `gc` elsewhere (another suite) leaves this run's QEMU alone.
  let lease: AsyncDisposable | undefined;

  beforeAll(async () => {
    lease = await holdRunLease(runId);
    dir = await makeTempFolder('uh-qemu-machine-');
    image = await buildQemuImage({ onProgress: (step) => console.log(`qemu image: ${step}`) });
    console.log(`qemu image ${image.built ? `built in ${image.durationMs} ms` : 'cached'}: ${image.dir}`);
    const started = performance.now();
    machine = await startQemuMachine({ name: 'app-1', role: 'app', runId, image, memoryMb: 1024, logFile: join(dir, 'app-1.console.log') });
    console.log(`qemu machine booted to SSH in ${Math.round(performance.now() - started)} ms`);
  }, 40 * 60_000);

  afterAll(async () => {
    await machine?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
    await lease?.[Symbol.asyncDispose]();
  }, 60_000);

  it('runs its own Debian kernel, not the host one', async () => {
    const kernel = (await machine.exec(['uname', '-r'])).stdout.trim();
    expect(kernel).not.toBe(release());
    expect(kernel).toMatch(/^\d+\.\d+\.\d+-\d+-amd64$/);
    expect((await machine.exec(['cat', '/etc/os-release'])).stdout).toContain('VERSION_CODENAME=bookworm');
    expect(machine.kind).toBe('qemu');
    expect(machine.address).toBe('127.0.0.1');
    // What the lead's package tests rely on: node present, PostgreSQL installed but not started at boot.
    expect((await machine.exec(['node', '--version'])).exitCode).toBe(0);
    expect((await machine.exec(['systemctl', 'is-enabled', 'postgresql', 'haproxy'])).stdout).toBe('disabled\ndisabled\n');
  });

  it('has an SSH host key of its own, the one the harness pinned before it booted', async () => {
    const hostKey = (await machine.exec(['cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).stdout;
    expect(openSshFingerprint(hostKey)).toBe(machine.hostKeyFingerprint);
    expect(machine.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('is found by gc: the QEMU process carries the run label, the work folder its owner file', async () => {
    expect(await labelledProcesses()).toContainEqual({ pid: machine.pid, runId });
    expect(await workDirsOf(runId)).toHaveLength(1);
    expect(machine.workDir).toContain('upgrade-harness-qemu-app-1-');
  });

  it('listens on 127.0.0.1 only', async () => {
    expect(await listenAddresses(machine.sshPort)).toEqual(['127.0.0.1']);
  });

  it('runs commands with environment and input, and returns non-zero exits', async () => {
    const result = await machine.exec(['sh', '-c', 'echo "$GREETING"; cat; echo oops >&2; exit 3'], { env: { GREETING: "it's a $test; `ok`" }, input: 'line from stdin\n' });
    expect(result).toEqual({ exitCode: 3, stdout: "it's a $test; `ok`\nline from stdin\n", stderr: 'oops\n' });
    const timedOut = await machine.exec(['sleep', '60'], { timeoutMs: 1000 });
    expect(timedOut.exitCode).toBe(124);
    expect((await machine.exec(['sh', '-c', 'ps -eo args | grep -x "sleep 60"'])).exitCode).toBe(1);
  });

  it('writes files and copies them in, with their modes', async () => {
    await machine.writeFile('/etc/uh-test/app.env', 'PORT=8080\n', 0o600);
    expect((await machine.exec(['sh', '-c', 'stat -c %a /etc/uh-test/app.env; cat /etc/uh-test/app.env'])).stdout).toBe('600\nPORT=8080\n');
    const local = join(dir, 'payload.bin');
    const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 13) % 256));
    await writeFile(local, payload);
    await machine.copyIn(local, '/opt/uh-test/payload.bin', 0o755);
    const sum = createHash('sha256').update(payload).digest('hex');
    expect((await machine.exec(['sh', '-c', 'stat -c %a /opt/uh-test/payload.bin; sha256sum < /opt/uh-test/payload.bin'])).stdout).toBe(`755\n${sum}  -\n`);
  });

  it('publishes a guest port through QEMU at runtime, on 127.0.0.1, the same port when asked again', async () => {
    expect((await machine.exec(HTTP_SERVER)).exitCode).toBe(0);
    const port = await machine.publish(8080);
    expect(await machine.publish(8080)).toBe(port);
    expect(await answer(port)).toBe('hi from upgrade-harness-vm');
    expect(await listenAddresses(port)).toEqual(['127.0.0.1']);
  });

  it('reboots: a new boot id, and the published port reaches the service again', async () => {
    const bootId = async () => (await machine.exec(['cat', '/proc/sys/kernel/random/boot_id'])).stdout.trim();
    const before = await bootId();
    const started = performance.now();
    await machine.reboot();
    console.log(`qemu machine rebooted to SSH in ${Math.round(performance.now() - started)} ms`);
    expect(await bootId()).not.toBe(before);
    // The transient unit did not survive the reboot; the forward, on QEMU's side, did.
    expect((await machine.exec(HTTP_SERVER)).exitCode).toBe(0);
    expect(await answer(await machine.publish(8080))).toBe('hi from upgrade-harness-vm');
  }, 180_000);

  it('a boot that does not reach SSH in time fails with the console tail, and leaves nothing behind', async () => {
    const otherRun = `${runId}-slow`;
    const error = await startQemuMachine({ name: 'slow-1', role: 'app', runId: otherRun, image, memoryMb: 512, logFile: join(dir, 'slow-1.console.log'), bootTimeoutMs: 8000 }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InfrastructureError);
    expect((error as InfrastructureError).code).toBe('QEMU_BOOT_TIMEOUT');
    expect((error as Error).message).toContain('last console lines');
    expect((error as Error).message).toMatch(/\[ *\d+\.\d+\] /);
    expect((await labelledProcesses()).filter((p) => p.runId === otherRun)).toEqual([]);
    expect(await workDirsOf(otherRun)).toEqual([]);
  }, 60_000);

  it('destroy stops QEMU and removes the work folder; again is a no-op', async () => {
    const { pid, workDir } = machine;
    await machine.destroy();
    await machine.destroy();
    expect(processExists(pid)).toBe(false);
    expect(await stat(workDir).catch(() => null)).toBeNull();
    expect(await workDirsOf(runId)).toEqual([]);
    await expect(machine.exec(['true'])).rejects.toMatchObject({ code: 'MACHINE_GONE' });
    // The console log is the caller's and stays.
    expect(await readFile(machine.logFile, 'utf8')).toContain('reboot: Restarting system');
  });
});

/** The body a service behind the forward answers, once it listens (node takes seconds to start on an emulated CPU). */
async function answer(port: number): Promise<string> {
  let body = '';
  await waitFor(
    async () => {
      body = await (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) })).text();
      return true;
    },
    { what: `the guest's HTTP server on 127.0.0.1:${port}`, timeoutMs: 60_000, intervalMs: 250 },
  );
  return body;
}

/** The addresses the host listens on for a TCP port, from /proc/net/tcp{,6}. */
async function listenAddresses(port: number): Promise<string[]> {
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, hexPort] = (local ?? '').split(':');
      if (state !== '0A' || Number.parseInt(hexPort ?? '', 16) !== port || !address) continue;
      addresses.push(address.length === 8 ? (address.match(/../g) ?? []).reverse().map((byte) => Number.parseInt(byte, 16)).join('.') : address);
    }
  }
  return addresses;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
