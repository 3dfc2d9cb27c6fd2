// The single wrapper around external programs (docker, debootstrap, tar, ...): argument arrays,
// never a shell string; a failure keeps the command, exit code, stderr tail and duration, and
// becomes a typed error the CLI can turn into an exit code and a hint.
import { execa } from 'execa';
import { InfrastructureError } from '../errors.ts';

export interface ToolOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Default 10 minutes: image builds are slow, but nothing may hang forever. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Fed to the program's stdin. */
  input?: string;
  /** How to install the program when it is missing (the hint of ToolMissingError). */
  installHint?: string;
  /** Run as this user and group (root only), e.g. initdb as `postgres`. */
  uid?: number;
  gid?: number;
}

export interface ToolResult {
  stdout: string;
  stderr: string;
  durationMs: number;
}

const TAIL_LINES = 12;

/** A program ran and failed (non-zero exit, timeout, killed). */
export class ToolFailedError extends InfrastructureError {
  readonly command: string;
  readonly exitCode: number | undefined;
  readonly stderrTail: string[];
  readonly durationMs: number;
  constructor(command: string, exitCode: number | undefined, why: string, stderrTail: string[], durationMs: number) {
    const tail = stderrTail.length ? `\n  ${stderrTail.join('\n  ')}` : '';
    super(`\`${command}\` ${why} after ${durationMs} ms${tail}`, { code: 'TOOL_FAILED', hint: `run the command by hand to see all of its output` });
    this.command = command;
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
    this.durationMs = durationMs;
  }
}

/** A program is not installed (or not on PATH). */
export class ToolMissingError extends InfrastructureError {
  constructor(file: string, hint: string | undefined) {
    super(`${file} is not installed (not found on PATH)`, { code: 'TOOL_MISSING', hint: hint ?? `install ${file}` });
  }
}

export async function runTool(file: string, args: readonly string[], options: ToolOptions = {}): Promise<ToolResult> {
  const started = performance.now();
  const result = await execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    timeout: options.timeoutMs ?? 600_000,
    cancelSignal: options.signal,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    reject: false,
    stripFinalNewline: true,
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
    maxBuffer: 64 * 1024 * 1024,
  });
  const durationMs = Math.round(performance.now() - started);
  if ((result.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') throw new ToolMissingError(file, options.installHint);
  if (result.exitCode === 0 && !result.failed) return { stdout: String(result.stdout), stderr: String(result.stderr), durationMs };
  const why = result.timedOut
    ? `did not finish within ${options.timeoutMs ?? 600_000} ms`
    : result.isCanceled
      ? 'was cancelled'
      : result.exitCode !== undefined
        ? `exited with code ${result.exitCode}`
        : `was killed (${result.signal ?? 'unknown signal'})`;
  const tail = tailLines(String(result.stderr || result.stdout));
  throw new ToolFailedError([file, ...args].map(quoteForDisplay).join(' '), result.exitCode, why, tail, durationMs);
}

function tailLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '').slice(-TAIL_LINES);
}

/** For messages only: the command as a person would type it. */
function quoteForDisplay(part: string): string {
  return /^[\w@%+=:,./-]+$/.test(part) ? part : `'${part.replaceAll("'", "'\\''")}'`;
}
