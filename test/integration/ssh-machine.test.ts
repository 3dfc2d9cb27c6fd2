// The ssh machine against a real sshd (OpenSSH in a container, published on 127.0.0.1 only):
// commands with their exit codes, environment, input and awkward arguments; files with modes; a
// forward; a login other than root going through sudo; and a host key that changed under a
// reconnect, refused. Skipped with the reason when no Docker daemon answers, except under
// UPGRADE_HARNESS_REQUIRE_DOCKER=1 (CI), where that fails.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfrastructureError } from '../../harness/errors.ts';
import { dockerUnavailableReason } from '../../harness/platforms/docker/docker-runtime.ts';
import { BASE_IMAGE } from '../../harness/platforms/docker/image-names.ts';
import { fingerprintOf } from '../../harness/platforms/vm/machines/ssh-connection.ts';
import { SshMachine } from '../../harness/platforms/vm/machines/ssh-machine.ts';
import { inspectImage } from '../../harness/tools/docker-cli.ts';
import { runTool } from '../../harness/tools/run-tool.ts';
import { freePort } from '../../harness/util/free-port.ts';
import { makeTempFolder } from '../../harness/util/temp-folder.ts';

const SSHD_IMAGE = 'upgrade-harness/test-sshd:bookworm';
const TEST_LABEL = 'upgrade-harness.test=ssh-machine';
const dockerRequired = process.env.UPGRADE_HARNESS_REQUIRE_DOCKER === '1';

async function skipReason(): Promise<string | null> {
  const unavailable = await dockerUnavailableReason();
  if (unavailable) return `no Docker daemon answers (${unavailable.split('\n')[0]})`;
  if (!(await inspectImage(BASE_IMAGE).catch(() => null))) return `image ${BASE_IMAGE} is not built (run: npx upgrade-harness images build)`;
  return null;
}

const reason = await skipReason();
if (reason && dockerRequired) throw new Error(`ssh machine tests: UPGRADE_HARNESS_REQUIRE_DOCKER=1 but ${reason}`);
if (reason) console.log(`skipping ssh machine tests: ${reason}`);

const docker = (args: string[], input?: string) => runTool('docker', args, { timeoutMs: 300_000, input });

/** OpenSSH on the harness's own Debian image; a `deploy` user with passwordless sudo for the non-root path. */
const DOCKERFILE = `FROM ${BASE_IMAGE}
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server sudo procps \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /run/sshd \\
 && useradd -m -s /bin/bash deploy && echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy
CMD ["/usr/sbin/sshd", "-D", "-e"]
`;

describe.skipIf(reason !== null)('ssh machine: a machine reached over SSH', () => {
  let dir: string;
  let container: string;
  let sshPort: number;
  let keyFile: string;
  let root: SshMachine;
  let deploy: SshMachine;
  const login = (user: string, extra: { privateKeyFile?: string; hostKeyFingerprint?: string } = {}) =>
    SshMachine.connect({ name: `ssh-${user}`, role: 'app', address: 'staging-1', host: '127.0.0.1', port: sshPort, user, privateKeyFile: keyFile, connectTimeoutMs: 20_000, ...extra });

  beforeAll(async () => {
    dir = await makeTempFolder('uh-ssh-machine-');
    if (!(await inspectImage(SSHD_IMAGE).catch(() => null))) {
      await writeFile(join(dir, 'Dockerfile'), DOCKERFILE);
      await runTool('docker', ['build', '-t', SSHD_IMAGE, dir], { timeoutMs: 600_000, env: { DOCKER_BUILDKIT: '0' } });
    }
    keyFile = join(dir, 'id_ed25519');
    await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    // A fixed host port: `docker restart` would pick a new one for `127.0.0.1::22`.
    sshPort = await freePort();
    container = (await docker(['run', '-d', '--label', TEST_LABEL, '-p', `127.0.0.1:${sshPort}:22`, SSHD_IMAGE])).stdout.trim();
    const authorize =
      'cat > /tmp/key && for home in /root /home/deploy; do mkdir -p $home/.ssh && cp /tmp/key $home/.ssh/authorized_keys && chmod 700 $home/.ssh && chmod 600 $home/.ssh/authorized_keys; done && chown -R deploy: /home/deploy/.ssh';
    await docker(['exec', '-i', container, 'sh', '-c', authorize], await readFile(`${keyFile}.pub`, 'utf8'));
    root = await login('root');
    deploy = await login('deploy');
  }, 900_000);

  afterAll(async () => {
    await root?.destroy();
    await deploy?.destroy();
    if (container) await docker(['rm', '-f', '-v', container]);
    // Every container this suite ever started (a killed run's too) carries the label.
    const leftovers = (await docker(['ps', '-aq', '--filter', `label=${TEST_LABEL}`])).stdout.split('\n').filter(Boolean);
    if (leftovers.length) await docker(['rm', '-f', '-v', ...leftovers]);
  }, 60_000);

  it('publishes sshd on 127.0.0.1 only', async () => {
    const bindings = (await docker(['port', container, '22/tcp'])).stdout.trim().split('\n');
    expect(bindings.every((binding) => binding.startsWith('127.0.0.1:'))).toBe(true);
    expect(root.kind).toBe('ssh');
    expect(root.address).toBe('staging-1');
  });

  it('returns exit codes, output, environment and input; a non-zero exit is not thrown', async () => {
    const result = await root.exec(['sh', '-c', 'echo "out:$GREETING"; echo err >&2; cat; exit 7'], { env: { GREETING: "it's $HOME; `x`" }, input: 'from stdin\n' });
    expect(result).toEqual({ exitCode: 7, stdout: "out:it's $HOME; `x`\nfrom stdin\n", stderr: 'err\n' });
    // Without input a program reading stdin sees its end at once instead of hanging.
    expect(await root.exec(['cat'], { timeoutMs: 10_000 })).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    expect((await root.exec(['false'])).exitCode).toBe(1);
    expect((await root.exec(['/no/such/program'])).exitCode).toBe(127);
  });

  it('passes awkward arguments through the remote shell unchanged', async () => {
    const awkward = ['a b', "it's", '"double"', '$HOME', '${PATH}', 'x; echo pwned', '`id`', '$(id)', '*', '', 'new\nline', 'back\\slash', '-n', '&&', '|', '>file', '~'];
    const result = await root.exec(['printf', '%s\\0', ...awkward]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(awkward);
  });

  it('kills a command that runs past its timeout, with what it started, and answers 124', async () => {
    for (const machine of [root, deploy]) {
      const started = performance.now();
      const result = await machine.exec(['sh', '-c', 'sleep 61 & sleep 60'], { timeoutMs: 1000 });
      expect(result.exitCode).toBe(124);
      expect(result.stderr).toContain('timeout of 1000 ms');
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await root.exec(['sh', '-c', 'ps -eo args | grep -E "^sleep 6[01]$"'])).exitCode).toBe(1);
    }
  });

  it('an aborted command rejects with the signal reason', async () => {
    const controller = new AbortController();
    const running = root.exec(['sleep', '60'], { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stop now')), 300);
    await expect(running).rejects.toThrow('stop now');
    expect((await root.exec(['sh', '-c', 'ps -eo args | grep -x "sleep 60"'])).exitCode).toBe(1);
  });

  it('writes files and copies them in with their modes, parents created', async () => {
    await root.writeFile('/etc/uh-test/nested/app.conf', 'port = 8080\n', 0o600);
    expect((await root.exec(['stat', '-c', '%a %U %s', '/etc/uh-test/nested/app.conf'])).stdout).toBe('600 root 12\n');
    // Rewriting shrinks the file and sets the new mode.
    await root.writeFile('/etc/uh-test/nested/app.conf', 'x\n', 0o644);
    expect((await root.exec(['sh', '-c', 'stat -c %a /etc/uh-test/nested/app.conf; cat /etc/uh-test/nested/app.conf'])).stdout).toBe('644\nx\n');
    const local = join(dir, 'payload.bin');
    const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
    await writeFile(local, payload, { mode: 0o750 });
    await root.copyIn(local, '/opt/uh-test/bin/payload');
    const sum = createHash('sha256').update(payload).digest('hex');
    expect((await root.exec(['sh', '-c', 'stat -c %a /opt/uh-test/bin/payload; sha256sum < /opt/uh-test/bin/payload'])).stdout).toBe(`750\n${sum}  -\n`);
    await root.copyIn(local, '/opt/uh-test/bin/payload', 0o640);
    expect((await root.exec(['stat', '-c', '%a', '/opt/uh-test/bin/payload'])).stdout).toBe('640\n');
  });

  it('a login other than root acts as root through sudo: commands, environment and files', async () => {
    expect((await deploy.exec(['sh', '-c', 'id -u; echo "$MODE"'], { env: { MODE: 'as root' } })).stdout).toBe('0\nas root\n');
    await deploy.writeFile('/etc/uh-test/deploy.conf', 'owned by root\n', 0o640);
    expect((await deploy.exec(['stat', '-c', '%a %U', '/etc/uh-test/deploy.conf'])).stdout).toBe('640 root\n');
    const local = join(dir, 'tool.sh');
    await writeFile(local, '#!/bin/sh\necho tool\n', { mode: 0o755 });
    await deploy.copyIn(local, '/usr/local/lib/uh-test/tool.sh');
    expect((await deploy.exec(['sh', '-c', 'stat -c "%a %U" /usr/local/lib/uh-test/tool.sh; /usr/local/lib/uh-test/tool.sh'])).stdout).toBe('755 root\ntool\n');
    // Nothing staged is left behind in /tmp.
    expect((await deploy.exec(['sh', '-c', 'ls /tmp | grep -c upgrade-harness-'])).stdout.trim()).toBe('0');
  });

  it('publishes a machine port as an SSH forward on 127.0.0.1, the same port when asked again', async () => {
    const port = await root.publish(22);
    expect(await root.publish(22)).toBe(port);
    expect(await firstLine(port)).toMatch(/^SSH-2\.0-OpenSSH/);
    // A port nothing listens on in the machine: the local connection is cut, not left hanging.
    const closed = await root.publish(1);
    await expect(firstLine(closed)).rejects.toThrow();
  });

  it('many commands at once, amid forwarded connections churning on the same session, all keep their exit status', async () => {
    // More commands than sshd's MaxSessions (10) wait their turn; quick ones amid many short
    // forwarded connections get their exit status in the same turn as their channel's confirmation.
    const port = await root.connection.forward(22);
    let stop = false;
    const churn = async () => {
      while (!stop) await firstLine(port).catch(() => '');
    };
    const churners = Array.from({ length: 10 }, churn);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => root.exec(['echo', String(i)]).catch((error: unknown) => error)));
    stop = true;
    await Promise.all(churners);
    expect(results.filter((result) => result instanceof Error)).toEqual([]);
    expect(results.map((result) => (result as { stdout: string }).stdout)).toEqual(Array.from({ length: 100 }, (_, i) => `${i}\n`));
  });

  it('reconnects on the next command when the session dropped (sshd restarted)', async () => {
    const machine = await login('root');
    await docker(['restart', '-t', '1', container]);
    const result = await machine.exec(['echo', 'back']);
    expect(result.stdout).toBe('back\n');
    await machine.destroy();
    // The suite's own connections reconnect as well.
    root = await login('root');
    deploy = await login('deploy');
  });

  it('refuses a host key that changed since the first connection, and a wrong key from the start', async () => {
    const machine = await login('root');
    const pinned = machine.connection.hostKeyFingerprint;
    const hostKey = (await machine.exec(['cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).stdout;
    expect(pinned).toBe(fingerprintOf(Buffer.from(hostKey.split(' ')[1] ?? '', 'base64')));
    expect(await login('root', { hostKeyFingerprint: pinned })).toBeInstanceOf(SshMachine);
    // New host keys, as a reinstalled machine (or another one at the same address) would have.
    await docker(['exec', container, 'sh', '-c', 'rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && kill -HUP 1']);
    const refused = await machine.connection.reconnect({ timeoutMs: 20_000 }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(InfrastructureError);
    expect((refused as InfrastructureError).code).toBe('SSH_HOST_KEY_CHANGED');
    expect((refused as Error).message).toContain(pinned);
    await machine.destroy();
    const fresh = await login('root', { hostKeyFingerprint: pinned }).then(
      () => null,
      (error: unknown) => error,
    );
    expect((fresh as InfrastructureError).code).toBe('SSH_HOST_KEY_CHANGED');
    // The suite's connections meet the new key on their next reconnect: start them again.
    await root.destroy();
    await deploy.destroy();
    root = await login('root');
    deploy = await login('deploy');
  });

  it('a key the machine does not accept fails at once, with a hint', async () => {
    const otherKey = join(dir, 'other_ed25519');
    await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const started = performance.now();
    const error = await login('root', { privateKeyFile: otherKey }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as InfrastructureError).code).toBe('SSH_AUTH_FAILED');
    expect((error as InfrastructureError).hint).toContain('authorized_keys');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('destroy only hangs up: the machine keeps running, the machine object is closed', async () => {
    const machine = await login('root');
    const port = await machine.publish(22);
    await machine.destroy();
    await machine.destroy();
    await expect(machine.exec(['true'])).rejects.toMatchObject({ code: 'SSH_CLOSED' });
    await expect(firstLine(port)).rejects.toThrow();
    expect((await docker(['inspect', '-f', '{{.State.Running}}', container])).stdout.trim()).toBe('true');
  });
});

/** The first line a TCP server at 127.0.0.1:port sends; rejects when the connection is refused or cut. */
function firstLine(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('no answer'))), 10_000);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text.split(/\r?\n/)[0] ?? '');
      }
    });
    socket.on('error', (error) => (clearTimeout(timer), reject(error)));
    socket.on('close', () => (clearTimeout(timer), reject(new Error(`closed after ${JSON.stringify(text)}`))));
  });
}
