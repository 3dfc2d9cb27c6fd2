// Usage: node packaging/build-deb.mjs <version> <out-folder> [required-stops]
//
// Builds sample-app_<version>_all.deb, the app as a Linux package the way self-managed installs
// ship (think Omnibus): code under /usr/lib/sample-app, a systemd unit, configuration under
// /etc/sample-app (written by whoever installs it, as gitlab.rb is), and maintainer scripts that
// carry out the upgrade: preinst refuses a path that skips a required stop, postinst runs the
// migrations and restarts the service. `required-stops` is a comma-separated list of versions.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maintainerScripts } from './maintainer-scripts.mjs';

const [version, out, stops = ''] = process.argv.slice(2);
if (!version || !/^[0-9][0-9A-Za-z.+~-]*$/.test(version) || !out) {
  console.error('usage: node packaging/build-deb.mjs <version> <out-folder> [required-stops]');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, '..', 'app');
const root = mkdtempSync(join(tmpdir(), 'sample-app-deb-'));
try {
  const lib = join(root, 'usr/lib/sample-app');
  cpSync(app, join(lib, 'app'), { recursive: true });
  for (const [name, dir] of packageClosure('pg', app)) cpSync(dir, join(lib, 'node_modules', name), { recursive: true, dereference: true });
  writeFileSync(join(lib, 'VERSION'), `${version}\n`);
  write('usr/bin/sample-app-migrate', migrateWrapper(), 0o755);
  write('lib/systemd/system/sample-app.service', serviceUnit(version));
  write('DEBIAN/control', control(version));
  for (const [name, text] of Object.entries(maintainerScripts(version, stops.split(',').filter(Boolean)))) write(`DEBIAN/${name}`, text, 0o755);
  mkdirSync(out, { recursive: true });
  const file = join(out, `sample-app_${version}_all.deb`);
  execFileSync('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, file], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(file);
} finally {
  rmSync(root, { recursive: true, force: true });
}

function write(path, text, mode = 0o644) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
  chmodSync(join(root, path), mode);
}

function control(v) {
  return [
    'Package: sample-app',
    `Version: ${v}`,
    'Architecture: all',
    'Maintainer: upgrade-harness <upgrade-harness@localhost>',
    'Depends: nodejs (>= 18), passwd',
    'Section: web',
    'Priority: optional',
    'Description: upgrade-harness reference app',
    ' A small HTTP service on PostgreSQL with expand/contract migrations.',
    '',
  ].join('\n');
}

function serviceUnit(v) {
  return [
    '[Unit]',
    'Description=sample-app (upgrade-harness reference app)',
    'After=network.target',
    '',
    '[Service]',
    'User=sample-app',
    'EnvironmentFile=/etc/sample-app/sample-app.env',
    `Environment=APP_VERSION=${v}`,
    'ExecStart=/usr/bin/node /usr/lib/sample-app/app/server.mjs',
    // The app drains in-flight requests on SIGTERM within 4 s.
    'KillSignal=SIGTERM',
    'TimeoutStopSec=10',
    'Restart=on-failure',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

function migrateWrapper() {
  return ['#!/bin/sh', '# sample-app-migrate <pre|post> <version>: the migrations, with the configured database.', 'set -a', '. /etc/sample-app/sample-app.env', 'set +a', 'exec /usr/bin/node /usr/lib/sample-app/app/migrate.mjs "$@"', ''].join('\n');
}

/** An npm package and everything it depends on, as [name, folder] pairs, looked up as Node does from `from`. */
function packageClosure(name, from, found = new Map()) {
  if (found.has(name)) return found;
  // By folder, not require.resolve: packages whose `exports` hide package.json cannot be resolved by it.
  const dir = nodeModulesLookup(name, from);
  if (!dir) return found; // an optional dependency that is not installed
  found.set(name, dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dependency of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) packageClosure(dependency, dir, found);
  return found;
}

function nodeModulesLookup(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}
