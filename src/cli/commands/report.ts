import type { Database } from '../../db/client.js';
import { operationsReport } from '../../db/reports.js';
import type { BusinessLine } from '../../domain/vocabulary.js';
import { ExitCode } from '../errors.js';
import { reportLines } from '../format.js';
import type { JsonFlag, Writer } from '../output.js';
import { print } from '../output.js';

export interface ReportDeps {
  db: Database;
  writer: Writer;
}

export interface OperationsReportOptions extends JsonFlag {
  from: Date;
  to: Date;
  line?: BusinessLine | undefined;
}

export async function operationsReportCommand(
  deps: ReportDeps,
  options: OperationsReportOptions,
): Promise<number> {
  const report = await operationsReport(deps.db, {
    from: options.from,
    to: options.to,
    businessLine: options.line,
  });
  print(deps.writer, report, options, () => reportLines(report));
  return ExitCode.ok;
}
