import { Command, InvalidArgumentError, Option } from 'commander';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runDrill } from './drill.js';

const count = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
};

/**
 * `npm run drill`: the full fault drill; prints its figures and exits 1 if an invariant broke. By default
 * on a dev server and PostgreSQL of its own; given a Temporal address, namespace and database URL, on
 * that cluster.
 */
const program = new Command('npm run drill --')
  .description(
    'drive cases through dualkey while killing its workers and API replicas, then check every invariant',
  )
  .addOption(
    new Option('--cases <n>', 'unfreeze cases to drive').env('DRILL_CASES').argParser(count).default(80),
  )
  .addOption(
    new Option('--worker-kills <n>', 'worker SIGKILLs').env('DRILL_WORKER_KILLS').argParser(count).default(8),
  )
  .addOption(
    new Option(
      '--campaign <accounts>',
      'also run an incident lift campaign over this many accounts, its batches under the faults',
    )
      .env('DRILL_CAMPAIGN')
      .argParser(count),
  )
  .addOption(
    new Option('--temporal-address <host:port>', 'an existing Temporal frontend to run against').env(
      'DRILL_TEMPORAL_ADDRESS',
    ),
  )
  .addOption(
    new Option('--namespace <name>', 'its namespace').env('DRILL_TEMPORAL_NAMESPACE').default('default'),
  )
  .addOption(
    new Option('--database-url <url>', 'a PostgreSQL database of the drill’s own on that cluster').env(
      'DRILL_DATABASE_URL',
    ),
  )
  .parse();
const options = program.opts<{
  cases: number;
  workerKills: number;
  campaign?: number;
  temporalAddress?: string;
  namespace: string;
  databaseUrl?: string;
}>();
if ((options.temporalAddress === undefined) !== (options.databaseUrl === undefined)) {
  program.error(
    '--temporal-address and --database-url go together: the drill runs on a cluster, or on its own',
  );
}

const report = await runDrill({
  cases: options.cases,
  staggerMs: 1_500,
  workerKills: options.workerKills,
  outageMs: 20_000,
  faultGapMs: 10_000,
  caseLimitMs: 600_000,
  cacheDir: process.env.DUALKEY_CACHE_DIR ?? join(homedir(), '.cache', 'dualkey'),
  campaign: options.campaign === undefined ? undefined : { accounts: options.campaign },
  cluster:
    options.temporalAddress && options.databaseUrl
      ? {
          temporalAddress: options.temporalAddress,
          namespace: options.namespace,
          databaseUrl: options.databaseUrl,
        }
      : undefined,
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
