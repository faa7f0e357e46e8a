import type { Database } from '../../db/client.js';
import type { CaseFilters } from '../../db/projections.js';
import { findCase, listCases } from '../../db/projections.js';
import { CliError } from '../errors.js';
import { caseDetails, caseTable } from '../format.js';
import type { JsonFlag, Writer } from '../output.js';
import { print } from '../output.js';

export interface CasesDeps {
  db: Database;
  writer: Writer;
}

export interface ListCasesOptions extends CaseFilters, JsonFlag {
  limit: number;
}

/** Ops see every business line: the CLI runs with database access, which already implies that reach. */
const allLines = ['*'] as const;

export async function listCasesCommand(deps: CasesDeps, options: ListCasesOptions): Promise<number> {
  const { limit, json, ...filters } = options;
  const { items, nextCursor } = await listCases(deps.db, filters, allLines, limit);
  const more = nextCursor ? [`(first ${limit} shown; raise --limit or narrow the filters for more)`] : [];
  print(deps.writer, items, { json }, () => [...caseTable(items), ...more]);
  return 0;
}

export async function showCaseCommand(deps: CasesDeps, caseId: string, options: JsonFlag): Promise<number> {
  const found = await findCase(deps.db, caseId);
  if (!found) throw new CliError(`no case ${caseId}`);
  print(deps.writer, found, options, () => caseDetails(found));
  return 0;
}
