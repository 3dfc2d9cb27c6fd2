// The disk a QEMU machine boots: Debian bookworm debootstrapped from this machine's mirror (no
// registry, no cloud image to download), with a kernel and initrd beside it for -kernel/-initrd
// and a key pair for root's SSH login. Built once per recipe and mirror (about three minutes) and
// cached; every machine boots a copy-on-write overlay of it, so the cached disk is never written.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InfrastructureError } from '../../../errors.ts';
import { runTool } from '../../../tools/run-tool.ts';
import { debianMirror } from '../../docker/images/apt-mirror.ts';

const SUITE = 'bookworm';
const VARIANT = 'minbase';
/** Raise when the build steps below change in a way the hashed inputs cannot see. */
const RECIPE = 3;
const DISK_SIZE = '3G';

/**
 * minbase has no init, kernel or network: these make it a bootable server. The rest is what the
 * container host (container-host.Dockerfile) has, so one image plays every role of a fleet: nodejs
 * and postgresql for the vm platform's package upgrades (its .deb depends on nodejs and uses a
 * local PostgreSQL), haproxy and socat for a balancer. systemd-networkd (in systemd) does DHCP.
 */
export const IMAGE_PACKAGES = [
  'linux-image-amd64',
  'systemd',
  'systemd-sysv',
  'dbus',
  'udev',
  'openssh-server',
  'iproute2',
  'procps',
  'ca-certificates',
  'nodejs',
  'postgresql',
  'haproxy',
  'socat',
] as const;

/**
 * Where the guest finds the SSH host key the harness made for this machine (QEMU's -fw_cfg, read
 * at boot by the unit below): each machine has a key of its own, known before it boots, so even
 * the first connection is checked and two machines of one image cannot pass for each other.
 */
export const HOST_KEY_FW_CFG = 'opt/upgrade-harness/ssh_host_ed25519_key';

/** Installs the machine's host key before sshd starts; without one (QEMU run by hand) the image's own stays. */
const HOST_KEY_UNIT = `[Unit]
Description=SSH host key from the harness (QEMU fw_cfg)
Before=ssh.service

[Service]
Type=oneshot
# $$: systemd would expand $key itself.
ExecStart=/bin/sh -c 'modprobe qemu_fw_cfg; key=/sys/firmware/qemu_fw_cfg/by_name/${HOST_KEY_FW_CFG}/raw; if [ -r $$key ]; then install -m 600 $$key /etc/ssh/ssh_host_ed25519_key && ssh-keygen -y -f /etc/ssh/ssh_host_ed25519_key > /etc/ssh/ssh_host_ed25519_key.pub; fi'

[Install]
WantedBy=ssh.service
`;

export const IMAGE_HOSTNAME = 'upgrade-harness-vm';

/** Files written into the root file system; part of the inputs hash, so editing one rebuilds. */
const ROOTFS_FILES: Record<string, string> = {
  'etc/hostname': `${IMAGE_HOSTNAME}\n`,
  'etc/hosts': `127.0.0.1 localhost\n127.0.1.1 ${IMAGE_HOSTNAME}\n::1 localhost ip6-localhost ip6-loopback\n`,
  'etc/fstab': '/dev/vda / ext4 rw,errors=remount-ro 0 1\n',
  // QEMU's user network: DHCP hands out 10.0.2.15, and its DNS forwarder is 10.0.2.3.
  'etc/systemd/network/20-dhcp.network': '[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n',
  'etc/resolv.conf': 'nameserver 10.0.2.3\n',
  // Key only, one host key (the one the harness pins), and no DNS lookup of the client, which
  // would wait on a resolver that may not answer. MaxSessions: methods run commands in parallel.
  'etc/ssh/sshd_config.d/upgrade-harness.conf':
    'PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n' +
    'HostKey /etc/ssh/ssh_host_ed25519_key\nUseDNS no\nMaxSessions 64\nMaxStartups 64:30:128\n',
  // A small initrd: only what finds the root disk. The default (MODULES=most) packs every storage
  // driver, which takes seconds to unpack on an emulated CPU.
  'etc/initramfs-tools/conf.d/upgrade-harness': 'MODULES=list\n',
  'etc/initramfs-tools/modules': 'virtio_pci\nvirtio_blk\next4\n',
  'etc/systemd/system/upgrade-harness-host-key.service': HOST_KEY_UNIT,
  // Drivers udev would load for QEMU's PC hardware (floppy, IDE, wireless, nested KVM) that a
  // test machine never uses: each costs a second or more of boot on an emulated CPU.
  'etc/modprobe.d/upgrade-harness-blacklist.conf': ['floppy', 'cfg80211', 'kvm', 'kvm_amd', 'kvm_intel', 'pcspkr', 'ata_piix', 'ata_generic', 'i2c_piix4', 'serio_raw', 'ccp']
    .map((module) => `blacklist ${module}\n`)
    .join(''),
};

/**
 * Units a test machine does not need at boot: on one emulated CPU they add up to a third of it.
 * Login prompts (no one logs in on the console), timers, early module loads that load on demand
 * anyway, mounts for debugging.
 */
const MASKED_UNITS = [
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'e2scrub_all.timer',
  'e2scrub_reap.service',
  'fstrim.timer',
  'man-db.timer',
  'systemd-networkd-wait-online.service',
  'systemd-network-generator.service',
  'getty@tty1.service',
  'serial-getty@ttyS0.service',
  'modprobe@configfs.service',
  'modprobe@dm_mod.service',
  'modprobe@drm.service',
  'modprobe@efi_pstore.service',
  'modprobe@fuse.service',
  'modprobe@loop.service',
  'dev-hugepages.mount',
  'dev-mqueue.mount',
  'sys-kernel-config.mount',
  'sys-kernel-debug.mount',
  'sys-kernel-tracing.mount',
];

export interface QemuImage {
  dir: string;
  /** Raw ext4 file system (no partition table), the guest's /dev/vda; never written after the build. */
  disk: string;
  kernel: string;
  initrd: string;
  /** Root's SSH key for every machine booted from this image. */
  privateKeyFile: string;
  built: boolean;
  durationMs: number;
}

export interface BuildQemuImageOptions {
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (step: string) => void;
}

const FILES = { disk: 'disk.img', kernel: 'vmlinuz', initrd: 'initrd.img', key: 'id_ed25519', inputs: 'inputs.json' };

/** ${XDG_CACHE_HOME:-~/.cache}/upgrade-harness/machines: images outlive runs, unlike work folders. */
export function machineCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : join(homedir(), '.cache'), 'upgrade-harness', 'machines');
}

async function imageInputs(): Promise<{ hash: string; inputs: object }> {
  const inputs = { SUITE, VARIANT, RECIPE, DISK_SIZE, mirror: await debianMirror(), packages: IMAGE_PACKAGES, files: ROOTFS_FILES, masked: MASKED_UNITS };
  return { hash: createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16), inputs };
}

export interface QemuImageStatus {
  built: boolean;
  /** Where the image for the current recipe and mirror is (or would be built). */
  dir: string;
  /** Bytes the disk occupies (it is sparse: less than its 3 GiB size). */
  diskBytes?: number;
}

/** For `doctor`: is the image of the current recipe built, and where. Needs neither root nor QEMU. */
export async function qemuImageStatus(): Promise<QemuImageStatus> {
  const { hash } = await imageInputs();
  const dir = join(machineCacheDir(), `qemu-${hash}`);
  const disk = await stat(join(dir, FILES.disk)).catch(() => null);
  const complete = disk !== null && (await stat(join(dir, FILES.inputs)).catch(() => null)) !== null;
  return complete ? { built: true, dir, diskBytes: disk.blocks * 512 } : { built: false, dir };
}

/** The cached image of the current recipe, built first when missing (or when `force`). */
export async function buildQemuImage(options: BuildQemuImageOptions = {}): Promise<QemuImage> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const { hash, inputs } = await imageInputs();
  const cache = machineCacheDir();
  const dir = join(cache, `qemu-${hash}`);
  const done = (built: boolean) => describeImage(dir, built, Math.round(performance.now() - started));
  if (!options.force && (await qemuImageStatus()).built) return done(false);
  if (process.getuid?.() !== 0) {
    throw new InfrastructureError('building the QEMU machine image needs root (debootstrap, chroot)', {
      code: 'NEEDS_ROOT',
      hint: `run \`upgrade-harness images build\` as root once; machines then boot from the cached image (${dir}) without root`,
    });
  }
  await mkdir(cache, { recursive: true });
  await removeAbandonedBuilds(cache);
  // Built beside its final place, so the rename into place is atomic: a build killed half-way
  // leaves only a .building folder (removed by the next build), never a half image under its name.
  const work = join(cache, `.building-qemu-${hash}-${randomBytes(4).toString('hex')}`);
  await mkdir(work);
  await writeFile(join(work, 'owner.json'), JSON.stringify({ pid: process.pid }));
  try {
    await buildInto(work, inputs, progress, options.signal);
    await moveIntoPlace(work, dir, options.force ?? false);
  } finally {
    await removeBuildFolder(work);
  }
  await removeOtherImages(cache, dir);
  progress(`image ready in ${dir}`);
  return done(true);
}

async function buildInto(work: string, inputs: object, progress: (step: string) => void, signal: AbortSignal | undefined): Promise<void> {
  const rootfs = join(work, 'rootfs');
  const mirror = await debianMirror();
  progress(`debootstrap ${SUITE} from ${mirror} (${IMAGE_PACKAGES.length} extra packages)`);
  await runTool('debootstrap', [`--variant=${VARIANT}`, `--include=${IMAGE_PACKAGES.join(',')}`, SUITE, rootfs, mirror], {
    timeoutMs: 30 * 60_000,
    signal,
    installHint: 'apt-get install -y debootstrap',
  });

  progress('configuring the root file system');
  for (const [path, content] of Object.entries(ROOTFS_FILES)) {
    await mkdir(join(rootfs, path, '..'), { recursive: true });
    await writeFile(join(rootfs, path), content);
  }
  await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'upgrade-harness-qemu', '-f', join(work, FILES.key)], {
    signal,
    installHint: 'apt-get install -y openssh-client',
  });
  await mkdir(join(rootfs, 'root/.ssh'), { recursive: true, mode: 0o700 });
  await copyFile(join(work, `${FILES.key}.pub`), join(rootfs, 'root/.ssh/authorized_keys'));
  await chmod(join(rootfs, 'root/.ssh/authorized_keys'), 0o600);
  // openssh-server's postinst made host keys of every type; keep the one sshd is told to use (each
  // machine's own replaces it at boot).
  for (const type of ['rsa', 'ecdsa']) {
    await rm(join(rootfs, `etc/ssh/ssh_host_${type}_key`), { force: true });
    await rm(join(rootfs, `etc/ssh/ssh_host_${type}_key.pub`), { force: true });
  }
  // Empty: systemd makes a machine id at each machine's first boot, so no two machines share one.
  await writeFile(join(rootfs, 'etc/machine-id'), '');
  const chroot = (args: string[]) => runTool('chroot', [rootfs, ...args], { signal, timeoutMs: 10 * 60_000 });
  await chroot(['systemctl', 'enable', 'systemd-networkd.service']);
  await chroot(['systemctl', 'enable', 'upgrade-harness-host-key.service']);
  // The platform starts what a machine's role needs; at boot they would only slow SSH down.
  await chroot(['systemctl', 'disable', 'postgresql.service', 'haproxy.service']);
  await chroot(['systemctl', 'mask', ...MASKED_UNITS]);
  await chroot(['systemctl', 'set-default', 'multi-user.target']);

  progress('making a small initrd');
  await chroot(['update-initramfs', '-u', '-k', 'all']);
  const boot = await readdir(join(rootfs, 'boot'));
  const kernel = boot.find((file) => file.startsWith('vmlinuz-'));
  const initrd = boot.find((file) => file.startsWith('initrd.img-'));
  if (!kernel || !initrd) throw new InfrastructureError(`the image has no kernel or initrd in /boot (found: ${boot.join(', ') || 'nothing'})`, { code: 'QEMU_IMAGE_BUILD' });
  await copyFile(join(rootfs, 'boot', kernel), join(work, FILES.kernel));
  await copyFile(join(rootfs, 'boot', initrd), join(work, FILES.initrd));
  // The downloaded .debs are a third of the file system and no machine needs them.
  await runTool('find', [join(rootfs, 'var/cache/apt/archives'), '-name', '*.deb', '-delete'], { signal });

  progress(`making the ${DISK_SIZE} disk (sparse)`);
  const disk = join(work, FILES.disk);
  await runTool('truncate', ['-s', DISK_SIZE, disk], { signal });
  await runTool('mkfs.ext4', ['-q', '-F', '-L', 'root', '-d', rootfs, disk], { signal, timeoutMs: 10 * 60_000, installHint: 'apt-get install -y e2fsprogs' });
  await rm(rootfs, { recursive: true, force: true });
  // Written last: a folder with inputs.json is a complete image (qemuImageStatus looks for it).
  await rm(join(work, 'owner.json'));
  await writeFile(join(work, FILES.inputs), JSON.stringify({ ...inputs, builtAt: new Date().toISOString() }, null, 2));
}

async function moveIntoPlace(work: string, dir: string, force: boolean): Promise<void> {
  if (force) {
    // Running machines keep their open backing file; only the name goes away.
    const old = `${dir}.old-${randomBytes(4).toString('hex')}`;
    await rename(dir, old).catch(() => {});
    await rm(old, { recursive: true, force: true });
  }
  await rename(work, dir).catch(async (error: NodeJS.ErrnoException) => {
    // Another build of the same recipe finished first: theirs is as good as ours.
    if ((error.code === 'ENOTEMPTY' || error.code === 'EEXIST') && (await qemuImageStatus()).built) return;
    throw new InfrastructureError(`cannot move the built image into ${dir}: ${error.message}`, { code: 'QEMU_IMAGE_BUILD', cause: error });
  });
}

/**
 * Images of earlier recipes (a harness upgrade changed it) or mirrors: over a GiB each, and
 * nothing boots them any more. A machine still running on one keeps its open disk.
 */
async function removeOtherImages(cache: string, keep: string): Promise<void> {
  for (const entry of await readdir(cache)) {
    if (entry.startsWith('qemu-') && join(cache, entry) !== keep) await rm(join(cache, entry), { recursive: true, force: true });
  }
}

/** .building folders whose builder is gone (killed mid-build): several GiB each. */
async function removeAbandonedBuilds(cache: string): Promise<void> {
  for (const entry of await readdir(cache)) {
    if (!entry.startsWith('.building-')) continue;
    const owner = await readFile(join(cache, entry, 'owner.json'), 'utf8').then((text) => JSON.parse(text) as { pid?: number }, () => ({}) as { pid?: number });
    if (owner.pid && processAlive(owner.pid)) continue;
    await removeBuildFolder(join(cache, entry));
  }
}

/**
 * Inside a container debootstrap bind-mounts the host's /dev/pts and /dev/shm into the root file
 * system (and proc, sys anywhere); a build killed before its cleanup leaves them mounted, and a
 * recursive delete would then empty the host's. Unmount whatever is below the folder first.
 */
async function removeBuildFolder(folder: string): Promise<void> {
  const mountInfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const below = mountInfo
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    // mountinfo writes a space, tab, newline or backslash in a path as an octal escape.
    .map((point) => point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .filter((point) => point.startsWith(`${folder}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of below) await runTool('umount', ['--lazy', point]);
  await rm(folder, { recursive: true, force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describeImage(dir: string, built: boolean, durationMs: number): QemuImage {
  return {
    dir,
    disk: join(dir, FILES.disk),
    kernel: join(dir, FILES.kernel),
    initrd: join(dir, FILES.initrd),
    privateKeyFile: join(dir, FILES.key),
    built,
    durationMs,
  };
}
