#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, HarnessError } from '../errors.ts';
import { formatConfigError } from '../matrix/format-config-error.ts';
import { parseShard } from '../matrix/shard-cells.ts';
import { EXIT, exitCodeForError } from './exit-codes.ts';
import { doctorCommand } from './doctor-command.ts';
import { gateCommand, type GateOptions } from './gate-command.ts';
import { gcCommand } from './gc-command.ts';
import { imagesBuildCommand } from './images-command.ts';
import { initCommand } from './init-command.ts';
import { mergeCommand } from './merge-command.ts';
import { planCommand } from './plan-command.ts';
import { reportCommand } from './report-command.ts';
import { runCommand } from './run-command.ts';
import { trendCommand } from './trend-command.ts';
import { harnessVersion } from '../util/package-root.ts';

// The only place where errors become exit codes: 0 passed, 1 a gate failed, 2 usage or
// configuration (nothing started), 3 infrastructure.
async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.passed;
  const program = new Command('upgrade-harness')
    .description('Upgrade an application under live traffic by every method and measure downtime, error budget and lost writes.')
    .version(harnessVersion, '-V, --version', 'print the version')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('run')
    .description('run every cell of a matrix and write results.json, junit.xml, report.html and summary.md')
    .argument('<matrix>', 'matrix file, e.g. matrices/quickstart.yaml')
    .option('--out <dir>', 'folder for the reports (default: reports/<run-id>)')
    .option('--concurrency <n>', 'cells run at once', positiveInt, 2)
    .option('--only <glob>', 'run only cells whose id matches (comma-separated globs), e.g. "local/*/rolling"')
    .option('--keep', 'keep each environment after its cell (traffic stopped) until Ctrl-C, for inspection')
    .option('--shard <i/n>', 'run only the i-th of n deterministic, balanced shares of the cells (for CI job fan-out), e.g. 2/4', shardArgument)
    .option('--resume <dir>', "the folder of an interrupted run: run only the cells it did not finish, then write the complete reports there")
    .option('--kubeconfig <file>', 'platform kubernetes: the cluster to use (over the matrix and KUBECONFIG)')
    .option('--context <name>', 'platform kubernetes: the kubeconfig context to use')
    .action(async (matrix: string, options: Parameters<typeof runCommand>[1]) => {
      exitCode = await runCommand(matrix, options);
    });

  program
    .command('plan')
    .description('list the cells a matrix expands into; starts nothing')
    .argument('<matrix>', 'matrix file')
    .option('--only <glob>', 'only cells whose id matches')
    .option('--json', 'print the plan as JSON (cells with ids and what each needs), for generating CI job matrices')
    .option('--shards <n>', 'with --json: also the cells of each of n shares, as `run --shard i/n` takes them', positiveInt)
    .action(async (matrix: string, options: { only?: string; json?: boolean; shards?: number }) => {
      exitCode = await planCommand(matrix, options);
    });

  program
    .command('merge')
    .description("join the results of a matrix's shards (run --shard) into one results.json, junit.xml, report.html and summary.md")
    .argument('<results...>', "each shard's results.json")
    .requiredOption('--out <dir>', 'folder for the merged reports')
    .option('--partial', 'merge even when some shards are missing')
    .action(async (results: string[], options: { out: string; partial?: boolean }) => {
      exitCode = await mergeCommand(results, options);
    });

  program
    .command('init')
    .description("write starter files into this project: a matrix that runs at once on the harness's sample app, and a scenario and matrix for your app")
    .option('--app <name>', 'name of your app (its scenario folder)', 'my-app')
    .option('--force', 'overwrite files that exist')
    .action(async (options: { app: string; force?: boolean }) => {
      exitCode = await initCommand(options);
    });

  program
    .command('report')
    .description('render every report again from a results.json')
    .argument('<results>', 'results.json written by a run')
    .option('--out <dir>', 'folder for the reports (default: beside results.json)')
    .action(async (results: string, options: { out?: string }) => {
      exitCode = await reportCommand(results, options);
    });

  program
    .command('trend')
    .description("trend.html over earlier runs: each cell's longest outage, failed requests and p99 run by run, and the change-failure rate")
    .argument('<dir>', 'folder holding earlier runs, e.g. reports/ with reports/<run>/results.json')
    .requiredOption('--out <dir>', 'folder for trend.html')
    .action(async (dir: string, options: { out: string }) => {
      exitCode = await trendCommand(dir, options);
    });

  program
    .command('images')
    .description('container images for the docker platform')
    .command('build')
    .description('build the Debian base, Node, PostgreSQL, HAProxy and every scenario app image locally (cached; no registry needed)')
    .option('--scenario <name...>', 'only these scenarios (names under scenarios/ or files)')
    .option('--force', 'rebuild even when the inputs did not change')
    .action(async (options: { scenario?: string[]; force?: boolean }) => {
      exitCode = await imagesBuildCommand(options);
    });

  program
    .command('gate')
    .description("judge a finished run by a release policy's gates: exit 0 when it may ship, 1 when not, with why")
    .argument('<results>', 'results.json written by a run')
    .requiredOption('--policy <file>', 'release policy YAML, e.g. matrices/release-policy.yaml')
    .option('--baseline <results>', "an earlier run's results.json: cells may not regress past the policy's baseline limits")
    .option('--history <dir>', "a folder of earlier runs (<run>/results.json): each cell against the P95 of the runs it passed in")
    .option('--out <dir>', 'also write the verdict as gate.md and gate.junit.xml there')
    .action(async (results: string, options: GateOptions) => {
      exitCode = await gateCommand(results, options);
    });

  program
    .command('doctor')
    .description('check what this machine can run (Node, PostgreSQL binaries, Docker and images, Chromium, k6)')
    .action(async () => {
      exitCode = await doctorCommand();
    });

  program
    .command('gc')
    .description('remove what killed runs left behind: processes, temporary folders, containers and networks whose run is gone')
    .action(async () => {
      exitCode = await gcCommand();
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  const commanderError = error as { code?: string; exitCode?: number };
  if (typeof commanderError.code === 'string' && commanderError.code.startsWith('commander.')) {
    // Commander already printed help or the usage problem.
    return commanderError.code === 'commander.helpDisplayed' || commanderError.code === 'commander.version' ? EXIT.passed : EXIT.usage;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`${formatConfigError(error, process.cwd())}\n`);
  } else if (error instanceof HarnessError) {
    process.stderr.write(`error ${error.code}: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
  } else {
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return exitCodeForError(error);
}

function shardArgument(value: string): string {
  if (!parseShard(value)) throw new InvalidArgumentError('expected I/N with 1 <= I <= N, e.g. 2/4');
  return value;
}

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return parsed;
}

// Exit explicitly: a run is over when its verdict is known, whatever handle a library left open.
process.exit(await main(process.argv));
