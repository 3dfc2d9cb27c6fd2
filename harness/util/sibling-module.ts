/**
 * A module beside the caller's file, to start as a process or a worker: `.ts` when the caller runs
 * from the source tree (Node strips the types), `.js` when it runs from the built package (Node
 * strips no types under node_modules).
 */
export function siblingModule(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl);
}
