// The sentinel: a process that does nothing but sleep 10 ms at a time and say how late it woke.
// It shares nothing with the harness but the machine, so its lateness is the machine pausing
// everything (a CPU quota, a stopped VM, a starved runner), not the harness being busy.
// Prints one line per 100 ms: "<epoch ms of the tick's end> <worst lateness in ms>".
const SLEEP_MS = 10;
const REPORT_EVERY_MS = 100;

let worst = 0;
let tickEnd = performance.now() + REPORT_EVERY_MS;
let expected = performance.now() + SLEEP_MS;

function wake(): void {
  const at = performance.now();
  worst = Math.max(worst, at - expected);
  if (at >= tickEnd) {
    process.stdout.write(`${(performance.timeOrigin + at).toFixed(1)} ${worst.toFixed(1)}\n`);
    worst = 0;
    tickEnd = at + REPORT_EVERY_MS;
  }
  expected = performance.now() + SLEEP_MS;
  setTimeout(wake, SLEEP_MS);
}

// The parent going away (killed, crashed) must not leave a sentinel behind.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
setTimeout(wake, SLEEP_MS);
