import { Command, CommanderError, Option } from 'commander';
import { BusinessLine, CaseStatus, CaseType, RiskTier } from '../domain/schemas/vocabulary.js';
import { recoverAdminCommand } from './commands/admin.js';
import { exportAuditCommand, verifyAuditCommand } from './commands/audit.js';
import { listCasesCommand, showCaseCommand } from './commands/cases.js';
import { replayHistoryCommand } from './commands/history.js';
import { operationsReportCommand } from './commands/report.js';
import type { CliContext, StackFlags } from './context.js';
import { CliError, ExitCode } from './errors.js';
import { errorMessage } from './format.js';
import { maxListLimit, parseInstant, parseLimit, requireWindow } from './options.js';
import type { Writer } from './output.js';

export interface CliDeps {
  writer: Writer;
  /** Called once per command run, with the global flags; the program closes it when the command ends. */
  context(flags: StackFlags): CliContext;
  /** Where `--data-dir` points when not given. */
  defaultDataDir?: string;
  /** Where `--encryption-key-file` points when not given. */
  defaultEncryptionKeyFile?: string | undefined;
}

interface ListFlags {
  status?: CaseStatus;
  type?: CaseType;
  account?: string;
  line?: BusinessLine;
  tier?: RiskTier;
  breached?: boolean;
  limit: number;
  json?: boolean;
}

interface ReportFlags {
  from: Date;
  to: Date;
  line?: BusinessLine;
  json?: boolean;
}

function buildProgram(deps: CliDeps, setExitCode: (code: number) => void): Command {
  const { writer } = deps;

  /** Every action runs through here: one line for any failure, never a stack, and connections closed. */
  const run =
    <A extends unknown[]>(body: (ctx: CliContext, ...args: A) => Promise<number>) =>
    async (...args: A): Promise<void> => {
      let ctx: CliContext | undefined;
      try {
        ctx = deps.context(program.opts<StackFlags>());
        setExitCode(await body(ctx, ...args));
      } catch (error) {
        writer.err(`error: ${errorMessage(error)}`);
        setExitCode(error instanceof CliError ? error.exitCode : ExitCode.failed);
      } finally {
        await ctx?.close();
      }
    };

  /** A command on one case: each names the case the same way. */
  const caseCommand = (parent: Command, name: string, description: string) =>
    parent.command(name).description(description).argument('<caseId>', 'case id, e.g. UNF-20261124-K7M2QX');
  const reader = (ctx: CliContext) => ({ db: ctx.database(), writer });

  const program = new Command('dualkey')
    .description(
      'Operations tooling for dualkey: inspect cases, verify audit chains, replay histories, report, recover admin access.',
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => writer.out(text.replace(/\n$/, '')),
      writeErr: (text) => writer.err(text.replace(/\n$/, '')),
    })
    .showHelpAfterError('(add --help for usage)')
    .option(
      '--data-dir <dir>',
      'data dir of the local stack; `npm start` describes itself in <dir>/stack.json',
      deps.defaultDataDir ?? '.dualkey',
    )
    .option('--database-url <url>', 'PostgreSQL of another stack (postgres://…)')
    .option('--temporal-address <host:port>', 'Temporal frontend of another stack')
    .option('--namespace <name>', 'Temporal namespace (default: the local stack’s, else "default")')
    .option('--temporal-tls', 'connect to Temporal over TLS')
    .option('--temporal-tls-cert <file>', 'client certificate (PEM) for mTLS')
    .option('--temporal-tls-key <file>', 'private key (PEM) of the client certificate')
    .option('--temporal-api-key-file <file>', 'file holding a Temporal API key (implies TLS)')
    .option(
      '--encryption-key-file <file>',
      'the payload codec’s key file, to read encrypted histories; default <data-dir>/encryption-keys.json when there is one',
      deps.defaultEncryptionKeyFile,
    );

  const cases = program.command('cases').description('read cases from the projection');
  cases
    .command('list')
    .description('list cases, newest first')
    .addOption(new Option('--status <status>', 'only cases in this status').choices(CaseStatus.options))
    .addOption(new Option('--type <type>', 'only cases of this type').choices(CaseType.options))
    .option('--account <accountId>', 'only cases on this account')
    .addOption(new Option('--line <line>', 'only cases of this business line').choices(BusinessLine.options))
    .addOption(new Option('--tier <tier>', 'only cases of this risk tier').choices(RiskTier.options))
    .option('--breached', 'only cases with a missed SLA')
    .option('--limit <n>', `how many cases to show (1-${maxListLimit})`, parseLimit, 50)
    .option('--json', 'print the cases as JSON')
    .action(
      run((ctx, flags: ListFlags) =>
        listCasesCommand(reader(ctx), {
          status: flags.status,
          type: flags.type,
          accountId: flags.account,
          businessLine: flags.line,
          riskTier: flags.tier,
          slaBreached: flags.breached ? true : undefined,
          limit: flags.limit,
          json: flags.json,
        }),
      ),
    );
  caseCommand(cases, 'show', 'show one case')
    .option('--json', 'print the case as JSON')
    .action(
      run((ctx, caseId: string, flags: { json?: boolean }) => showCaseCommand(reader(ctx), caseId, flags)),
    );

  const audit = program.command('audit').description("check and export a case's audit log");
  caseCommand(audit, 'verify', "recompute a case's hash chain; exit code 1 when it is broken").action(
    run((ctx, caseId: string) => verifyAuditCommand(reader(ctx), caseId)),
  );
  caseCommand(audit, 'export', "write a case's audit rows as JSON lines")
    .option('--out <file>', 'write to this file instead of stdout')
    .action(
      run((ctx, caseId: string, flags: { out?: string }) => exportAuditCommand(reader(ctx), caseId, flags)),
    );

  const history = program.command('history').description('workflow histories in Temporal');
  caseCommand(
    history,
    'replay',
    "replay a case's workflow history against this checkout's workflow code; exit 1 on failure",
  )
    .option(
      '--file <path>',
      'a history exported with `temporal workflow show --output json` instead of the live one',
    )
    .action(
      run(async (ctx, caseId: string, flags: { file?: string }) =>
        replayHistoryCommand(
          flags.file
            ? { writer, dataConverter: ctx.dataConverter() }
            : { client: await ctx.temporal(), writer, dataConverter: ctx.dataConverter() },
          caseId,
          flags,
        ),
      ),
    );

  const report = program.command('report').description('reports for risk-operations leads');
  report
    .command('operations')
    .description('cases opened and closed, time to claim and close, SLA breaches, lifts and reverts')
    .requiredOption(
      '--from <time>',
      'start of the window, inclusive (ISO 8601, e.g. 2026-11-01)',
      parseInstant,
    )
    .requiredOption('--to <time>', 'end of the window, exclusive (ISO 8601)', parseInstant)
    .addOption(new Option('--line <line>', 'only this business line').choices(BusinessLine.options))
    .option('--json', 'print the report as JSON')
    .action(
      run((ctx, flags: ReportFlags) => {
        requireWindow(flags.from, flags.to);
        return operationsReportCommand(reader(ctx), flags);
      }),
    );

  const admin = program.command('admin').description('access to dualkey itself');
  admin
    .command('recover')
    .description(
      'issue a one-time admin token, for when no admin can sign in; needs the database, audited on the access stream',
    )
    .option('--json', 'print { userId, token, expiresAt } as JSON')
    .action(run((ctx, flags: { json?: boolean }) => recoverAdminCommand(reader(ctx), flags)));

  return program;
}

/** Parses `argv` (without node and the script) and runs the command; resolves to the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(deps, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    // Help asked for is success; any other complaint from commander is a usage mistake.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    deps.writer.err(`error: ${errorMessage(error)}`);
    return ExitCode.failed;
  }
  return exitCode;
}
