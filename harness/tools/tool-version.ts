// Version checks of the command-line tools the harness drives (kind, k3d): each prints its own
// version line, and each has an oldest release whose documented flags the harness relies on.
import { InfrastructureError } from '../errors.ts';

/** The first `major.minor.patch` that `pattern` captures (group 1) in `output`, or null. */
export function versionIn(output: string, pattern: RegExp): string | null {
  const captured = pattern.exec(output)?.[1];
  return captured && /^\d+\.\d+\.\d+/.test(captured) ? captured : null;
}

/** Whether `version` is `minimum` or newer, comparing major.minor.patch (a pre-release counts as its release). */
export function isAtLeast(version: string, minimum: string): boolean {
  const parts = (text: string) => text.split(/[.+-]/).slice(0, 3).map((part) => Number.parseInt(part, 10) || 0);
  const [have, need] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) {
    const difference = (have[i] ?? 0) - (need[i] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

export interface VersionRequirement {
  tool: string;
  /** What the tool printed for its version command. */
  output: string;
  pattern: RegExp;
  minimum: string;
  installHint: string;
}

/** The tool's version, or an InfrastructureError when it is unreadable or older than the minimum. */
export function requireVersion(requirement: VersionRequirement): string {
  const version = versionIn(requirement.output, requirement.pattern);
  const code = `${requirement.tool.toUpperCase()}_TOO_OLD`;
  if (version === null) {
    const printed = requirement.output.trim().split('\n')[0] ?? '';
    throw new InfrastructureError(`cannot tell which ${requirement.tool} this is (it printed "${printed}"); ${requirement.minimum} or newer is needed`, { code, hint: requirement.installHint });
  }
  if (!isAtLeast(version, requirement.minimum)) {
    throw new InfrastructureError(`${requirement.tool} ${version} is older than ${requirement.minimum}`, { code, hint: requirement.installHint });
  }
  return version;
}
