import { delimiter } from 'node:path';

// The environment the user's own programs (the app, its migrations, its setup) run in: the
// user's PATH and Node, not the ones npm and npx put in front to run the harness itself. Under
// `npx upgrade-harness` or an npm script, PATH starts with node_modules/.bin folders (where a
// project may have a `node` package of its own) and npm's node-gyp-bin; an app whose native
// modules were built for the system's Node would crash on that other Node.

/** npm's run-script puts this folder last in what it prepends to PATH. */
const NPM_PATH_END = /[\\/]@npmcli[\\/]run-script[\\/]lib[\\/]node-gyp-bin$/;
const BIN_FOLDER = /[\\/]node_modules[\\/]\.bin$/;
/** Variables npm sets for the script it runs; they describe the harness's package, not the app. */
const NPM_VARIABLES = /^(npm_.*|INIT_CWD|NODE)$/;

export function userEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const underNpm = env.npm_command !== undefined || env.npm_lifecycle_event !== undefined;
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (underNpm && NPM_VARIABLES.test(key)) continue;
    clean[key] = value;
  }
  const pathKey = Object.keys(clean).find((key) => key.toUpperCase() === 'PATH');
  if (underNpm && pathKey) clean[pathKey] = userPath(clean[pathKey]!);
  return clean;
}

/** PATH without what npm prepended: up to its node-gyp-bin entry, else every node_modules/.bin. */
export function userPath(path: string): string {
  const entries = path.split(delimiter);
  const end = entries.findIndex((entry) => NPM_PATH_END.test(entry));
  const kept = end !== -1 ? entries.slice(end + 1) : entries.filter((entry) => !BIN_FOLDER.test(entry));
  return kept.join(delimiter);
}
