// A command-line tool the harness drives by name (kind, k3d, kubectl): found on PATH unless an
// environment variable names the binary (tests point those at stub executables), and checked once
// per process and binary before its first use, so a missing or too old tool fails with its
// install hint instead of half-way through creating a cluster.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runTool, ToolMissingError, type ToolOptions, type ToolResult } from './run-tool.ts';
import { requireVersion } from './tool-version.ts';

export interface ToolSpec {
  /** The program's name on PATH, and how messages call it. */
  name: string;
  /** Environment variable that names the binary instead (UPGRADE_HARNESS_KIND). */
  binaryEnv: string;
  installHint: string;
  /** Arguments that print the version, without touching any cluster. */
  versionArgs: string[];
  /** Where a version is enforced: captures major.minor.patch from the version output. */
  minimum?: { version: string; pattern: RegExp };
  /** Folders searched after PATH (the harness's tool cache, where `npm run rig` puts the helm it builds). */
  alsoIn?: () => string[];
}

export interface CheckedTool {
  /** The binary that runs: the override or the name. */
  binary(): string;
  /** The version output (the parsed version where a minimum is enforced); once per process and binary. */
  check(): Promise<string>;
  run(args: readonly string[], options?: ToolOptions): Promise<ToolResult>;
}

export function checkedTool(spec: ToolSpec): CheckedTool {
  const checks = new Map<string, Promise<string>>();
  const binary = () => process.env[spec.binaryEnv] || (onPathSync(spec.name) ? spec.name : spec.alsoIn?.().map((dir) => join(dir, spec.name)).find(isExecutable)) || spec.name;

  const invoke = async (file: string, args: readonly string[], options: ToolOptions): Promise<ToolResult> => {
    try {
      return await runTool(file, args, { installHint: spec.installHint, ...options });
    } catch (error) {
      // An overridden path would otherwise be the only name in the message; say which tool it is.
      if (error instanceof ToolMissingError && file !== spec.name) throw new ToolMissingError(`${spec.name} (${spec.binaryEnv}=${file})`, spec.installHint);
      throw error;
    }
  };

  const check = (): Promise<string> => {
    const file = binary();
    let checking = checks.get(file);
    if (!checking) {
      checking = invoke(file, spec.versionArgs, { timeoutMs: 30_000 }).then(
        ({ stdout }) =>
          spec.minimum ? requireVersion({ tool: spec.name, output: stdout, pattern: spec.minimum.pattern, minimum: spec.minimum.version, installHint: spec.installHint }) : stdout.trim(),
        (error: unknown) => {
          // Not remembered: the tool may be installed (or the machine less busy) by the next try.
          checks.delete(file);
          throw error;
        },
      );
      checks.set(file, checking);
    }
    return checking;
  };

  return {
    binary,
    check,
    async run(args, options = {}) {
      await check();
      return invoke(binary(), args, options);
    },
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPathSync(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && isExecutable(join(dir, name)));
}
