#!/usr/bin/env node
// Installs the example applications, on demand, one folder per version:
//   scenarios/examples/<app>/versions/<version>/   (npm install --prefix, the exact version)
// Usage: node scenarios/examples/install.mjs [app | app@version ...]   (no argument: every example)
// A version already installed is skipped; a failed install is retried next time. The versions an
// example has are the `- version:` entries of its scenario.yaml, so the two cannot drift apart.
// Plain ESM for the system Node (20 or newer); it needs nothing but npm.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each example: the npm package it installs. */
const EXAMPLES = {
  'json-server': { package: 'json-server' },
  directus: { package: 'directus' },
};

const here = dirname(fileURLToPath(import.meta.url));
const MARKER = '.installed';

/** The versions the scenario lists, in its order. */
function scenarioVersions(app) {
  const text = readFileSync(join(here, app, 'scenario.yaml'), 'utf8');
  return [...text.matchAll(/^\s*-\s+version:\s*["']?([A-Za-z0-9._+-]+)["']?\s*$/gm)].map((m) => m[1]);
}

// The environment npm runs in is the user's, not the one an npm script or npx would hand us:
// the harness runs the apps with the user's PATH (so the system Node), and native modules
// (sqlite3, isolated-vm, argon2...) must be built for the Node that will load them. Under npm,
// PATH starts with node_modules/.bin folders (where the project's own Node 24 is) and ends that
// prefix with npm's node-gyp-bin: drop every entry up to and including it, and npm's variables.
function userEnvironment() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('npm_')) env[key] = value;
  const entries = (env.PATH ?? '').split(delimiter);
  const end = entries.findIndex((entry) => /[\\/]@npmcli[\\/]run-script[\\/]lib[\\/]node-gyp-bin$/.test(entry));
  if (end !== -1) env.PATH = entries.slice(end + 1).join(delimiter);
  return env;
}

function install(app, version) {
  const { package: name } = EXAMPLES[app];
  const dir = join(here, app, 'versions', version);
  if (existsSync(join(dir, MARKER))) {
    console.log(`${app} ${version}: installed (${dir})`);
    return true;
  }
  // Anything left by an install that did not finish is started afresh.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`${app} ${version}: npm install ${name}@${version} into ${dir}`);
  const started = Date.now();
  const result = spawnSync('npm', ['install', '--prefix', dir, '--save-exact', '--no-audit', '--no-fund', `${name}@${version}`], {
    stdio: 'inherit',
    env: userEnvironment(),
  });
  if (result.error || result.status !== 0) {
    console.error(`${app} ${version}: npm install failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    return false;
  }
  writeFileSync(join(dir, MARKER), `${name}@${version} ${new Date().toISOString()}\n`);
  console.log(`${app} ${version}: done in ${Math.round((Date.now() - started) / 1000)} s`);
  return true;
}

const wanted = process.argv.slice(2);
const targets = [];
for (const arg of wanted.length ? wanted : Object.keys(EXAMPLES)) {
  const [app, version] = arg.split('@');
  if (!EXAMPLES[app]) {
    console.error(`unknown example "${app}"; known: ${Object.keys(EXAMPLES).join(', ')}`);
    process.exit(2);
  }
  const versions = scenarioVersions(app);
  if (version && !versions.includes(version)) {
    console.error(`${app} has no version ${version} in its scenario; it has ${versions.join(', ')}`);
    process.exit(2);
  }
  for (const v of version ? [version] : versions) targets.push([app, v]);
}
let failed = 0;
for (const [app, version] of targets) if (!install(app, version)) failed++;
process.exit(failed ? 1 : 0);
