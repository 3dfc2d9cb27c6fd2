// Version parsing and ordering, the app's own (app/versions.mjs), so the operator orders releases
// exactly as the app, its migrations and its packages do: MAJOR.MINOR.PATCH with an optional
// -label that names a build of that release and plays no part in ordering.
//
// app/versions.mjs is plain JavaScript without type declarations; importing it by a computed URL
// keeps the typecheck strict (the module gets the interface below) without a .d.ts beside it.

interface VersionsModule {
  parseVersion(text: string): [number, number, number] | null;
  compareVersions(a: string, b: string): number;
}

const versions = (await import(new URL('../app/versions.mjs', import.meta.url).href)) as VersionsModule;

/** [major, minor, patch], or null when `text` is not a version. */
export function parseVersion(text: string): [number, number, number] | null {
  return versions.parseVersion(text);
}

/** Negative, zero or positive like a sort comparator; throws on an invalid version. */
export function compareVersions(a: string, b: string): number {
  return versions.compareVersions(a, b);
}

export function isVersion(text: string): boolean {
  return parseVersion(text) !== null;
}
