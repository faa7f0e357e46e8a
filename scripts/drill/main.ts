import { homedir } from 'node:os';
import { join } from 'node:path';
import { runDrill } from './drill.js';

/** `npm run drill`: the full fault drill; prints its figures and exits 1 if an invariant broke. */
const report = await runDrill({
  cases: Number(process.env.DRILL_CASES ?? 80),
  staggerMs: 1_500,
  workerKills: Number(process.env.DRILL_WORKER_KILLS ?? 8),
  outageMs: 20_000,
  faultGapMs: 10_000,
  caseLimitMs: 600_000,
  cacheDir: process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey'),
  log: (line) => console.log(`[drill] ${line}`),
});
const width = Math.max(...Object.keys(report.figures).map((k) => k.length));
for (const [name, value] of Object.entries(report.figures)) console.log(`  ${name.padEnd(width)}  ${value}`);
if (report.failures.length > 0) {
  console.log(`\n${report.failures.length} invariant(s) broken:`);
  for (const failure of report.failures) console.log(`  - ${failure}`);
  process.exit(1);
}
console.log('\nevery invariant held');
