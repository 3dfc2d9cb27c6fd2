// Errors a user sees carry a code and a hint that says how to fix it.
// Only the CLI entry point turns them into exit codes (see cli/exit-codes.ts).

export interface ErrorDetails {
  code: string;
  hint?: string;
  cause?: unknown;
}

export class HarnessError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  constructor(message: string, details: ErrorDetails) {
    super(message, { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code;
    this.hint = details.hint;
  }
}

/** One problem in a configuration file, located to file:line and a dot-path. */
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

/** Bad input: usage or configuration. Exit 2; nothing was started. */
export class ConfigError extends HarnessError {
  readonly issues: ConfigIssue[];
  constructor(message: string, issues: ConfigIssue[] = [], hint?: string) {
    super(message, { code: 'CONFIG', hint });
    this.issues = issues;
  }
}

/** An environment could not be provided or broke under us. Exit 3; not a verdict on the product. */
export class InfrastructureError extends HarnessError {
  constructor(message: string, details: Partial<ErrorDetails> = {}) {
    super(message, { code: details.code ?? 'INFRA', hint: details.hint, cause: details.cause });
  }
}

/** The application under test did not upgrade: a product failure (the cell fails, exit 1). */
export class UpgradeFailedError extends HarnessError {
  /**
   * The failure depends on timing - something did not happen in time (become ready, finish a
   * rollout), or traffic failed (a canary's gates) - rather than a crash or a wrong answer: a
   * starved machine can explain it, so the verdict looks at the machine's health first.
   */
  readonly timingDependent: boolean;
  constructor(message: string, details: Partial<ErrorDetails> & { timingDependent?: boolean } = {}) {
    super(message, { code: details.code ?? 'UPGRADE_FAILED', hint: details.hint, cause: details.cause });
    this.timingDependent = details.timingDependent ?? false;
  }
}

/**
 * The installation refused the upgrade before changing anything (a package's preinst, an operator's
 * status): what a negative cell expects; in any other cell it fails the upgrade like any error.
 */
export class UpgradeRefusedError extends UpgradeFailedError {
  constructor(message: string) {
    super(message, { code: 'UPGRADE_REFUSED' });
  }
}

/** A wait ran past its own timeout. Carries the last log lines of what was awaited. */
export class WaitTimeoutError extends HarnessError {
  readonly logTail: string[];
  constructor(what: string, timeoutMs: number, logTail: string[] = []) {
    const tail = logTail.length ? `\nlast log lines:\n  ${logTail.join('\n  ')}` : '';
    super(`timed out after ${timeoutMs} ms waiting for ${what}${tail}`, { code: 'WAIT_TIMEOUT' });
    this.logTail = logTail;
  }
}

/** The run was interrupted (Ctrl-C, SIGTERM) or a cell ran past its deadline. */
export class AbortedError extends HarnessError {
  constructor(reason: string) {
    super(reason, { code: 'ABORTED' });
  }
}

/** A cell ran past its deadline: no verdict (something hung or the machine was too slow). */
export class DeadlineError extends HarnessError {
  constructor(deadlineMs?: number) {
    super(`the cell ran past its deadline${deadlineMs ? ` of ${deadlineMs} ms` : ''}`, {
      code: 'DEADLINE',
      hint: "raise deadlineMs in the matrix, or see in the cell's logs what hung",
    });
  }
}
