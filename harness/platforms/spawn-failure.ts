import { statSync } from 'node:fs';
import { InfrastructureError } from '../errors.ts';
import type { CommandSpec } from '../matrix/cell.ts';

/** What execa resolves with (reject: false) that tells a program that ran from one that never started. */
interface Outcome {
  failed: boolean;
  exitCode?: number | undefined;
  cause?: unknown;
}

/**
 * A scenario command that never started - its program missing or not executable, its working
 * folder absent - is no verdict on the product: this machine could not run what the scenario
 * names. Undefined when the program did start (whatever it did then).
 */
export function spawnFailure(what: string, spec: CommandSpec, outcome: Outcome): InfrastructureError | undefined {
  const cause = outcome.cause as NodeJS.ErrnoException | undefined;
  if (!outcome.failed || outcome.exitCode !== undefined || !cause?.syscall?.startsWith('spawn')) return undefined;
  const program = spec.command[0] ?? '';
  const field = spec.origin ? `${spec.origin.field}` : 'the command';
  const where = spec.origin ? ` (scenario ${spec.origin.file}, ${spec.origin.field}.command[0])` : '';
  // spawn says ENOENT for a missing working folder too: look, so the message names the right one.
  if (!statSync(spec.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    return new InfrastructureError(`${what} could not start: its working folder ${spec.cwd} does not exist`, {
      code: 'CWD_MISSING',
      hint: `fix ${field}.cwd in the scenario (relative to the scenario file)`,
      cause,
    });
  }
  if (cause.code === 'ENOENT') {
    const lookedIn = program.includes('/') ? `relative to ${spec.cwd}` : 'on PATH';
    return new InfrastructureError(`${what} could not start: program "${program}" not found ${lookedIn}${where}`, {
      code: 'PROGRAM_MISSING',
      hint: `install ${program} on this machine, or fix ${field}.command in the scenario`,
      cause,
    });
  }
  if (cause.code === 'EACCES') {
    return new InfrastructureError(`${what} could not start: program "${program}" is not executable${where}`, {
      code: 'PROGRAM_NOT_EXECUTABLE',
      hint: `chmod +x ${program}, or run it through its interpreter in ${field}.command (e.g. [node, ${program}])`,
      cause,
    });
  }
  return new InfrastructureError(`${what} could not start program "${program}"${where}: ${cause.message}`, { code: 'PROGRAM_NOT_STARTED', cause });
}
