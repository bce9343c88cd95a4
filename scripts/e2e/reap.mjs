// Ends what an e2e step left running, and nothing else: the processes whose environment carries
// KUBEGUARD_E2E_RUN=<marker> (run.sh sets it, and every process a step starts inherits it, even
// ones that start their own process group, such as code-server, Chromium or the language server).
// Ends them by pid: SIGTERM, then SIGKILL after a grace period. Prints each one; the exit code is
// the number found (capped at 100), so 0 means nothing was left behind.
//
//   node scripts/e2e/reap.mjs <marker> [grace-ms]
import { readdirSync, readFileSync } from 'node:fs';

const marker = process.argv[2];
const graceMs = Number(process.argv[3] ?? 3000);
if (!marker) {
  console.error('usage: node reap.mjs <marker> [grace-ms]');
  process.exit(100);
}
const needle = `KUBEGUARD_E2E_RUN=${marker}`;

function parentOf(pid) {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

const ancestors = new Set();
for (let p = process.pid; p > 1; p = parentOf(p)) ancestors.add(p);

function marked() {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (ancestors.has(pid)) continue;
    let env;
    try {
      env = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // gone, or not ours to read
    }
    if (!env.split('\0').includes(needle)) continue;
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      /* gone */
    }
    found.push({ pid, cmd });
  }
  return found;
}

// Let processes that are already on their way out finish before calling them leftovers.
let left = marked();
for (let waited = 0; left.length && waited < 2000; waited += 100) {
  await new Promise((r) => setTimeout(r, 100));
  left = marked();
}
for (const p of left) {
  console.log(`  left behind: pid ${p.pid} ${p.cmd.slice(0, 160)}`);
  try { process.kill(p.pid, 'SIGTERM'); } catch { /* gone */ }
}
if (left.length) {
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && marked().length) await new Promise((r) => setTimeout(r, 100));
  for (const p of marked()) {
    try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
  }
}
process.exit(Math.min(left.length, 100));
