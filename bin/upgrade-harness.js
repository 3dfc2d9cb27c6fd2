#!/usr/bin/env node
// The command's entry point, in JavaScript every Node can parse, so that an old Node hears one
// clear sentence instead of a stack trace from syntax it does not know.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `upgrade-harness needs Node 22.18 or newer; this is Node ${process.versions.node}. ` +
      'Install a current Node from https://nodejs.org, or add one to your project with `npm install --save-dev node@24` (npx and npm scripts then use it).\n',
  );
  process.exit(2);
}

// In a source checkout the TypeScript runs as it is (no stale build); an installed package runs
// its compiled JavaScript, since Node strips no types under node_modules.
const source = new URL('../harness/cli/main.ts', import.meta.url);
const fromSource = existsSync(source) && !fileURLToPath(import.meta.url).split(/[\\/]/).includes('node_modules');
await import(fromSource ? source.href : new URL('../dist/harness/cli/main.js', import.meta.url).href);
