// Imported first by the programmatic API: on an old Node, one clear sentence before a dependency
// fails deep inside with syntax or a built-in it does not know.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  throw new Error(`upgrade-harness needs Node 22.18 or newer; this is Node ${process.versions.node}. Install a current Node, or add one to your project with \`npm install --save-dev node@24\`.`);
}
