import { writeFile } from 'node:fs/promises';
import { readStream, verifyStream } from '../../db/audit.js';
import type { Database } from '../../db/client.js';
import { CliError, ExitCode } from '../errors.js';
import { auditJsonLines, verdictLine } from '../format.js';
import type { Writer } from '../output.js';

export interface AuditDeps {
  db: Database;
  writer: Writer;
}

/** An unknown case id has an empty stream, which would "verify"; saying OK about nothing would mislead. */
function noEvents(caseId: string): CliError {
  return new CliError(`no audit events for case ${caseId}`);
}

export async function verifyAuditCommand(deps: AuditDeps, caseId: string): Promise<number> {
  const { events, verdict } = await verifyStream(deps.db, caseId);
  if (events.length === 0) throw noEvents(caseId);
  deps.writer.out(verdictLine(caseId, verdict));
  return verdict.ok ? ExitCode.ok : ExitCode.failed;
}

export async function exportAuditCommand(
  deps: AuditDeps,
  caseId: string,
  options: { out?: string | undefined },
): Promise<number> {
  const events = await readStream(deps.db, caseId);
  if (events.length === 0) throw noEvents(caseId);
  const lines = auditJsonLines(events);
  if (options.out === undefined) {
    for (const line of lines) deps.writer.out(line);
    return ExitCode.ok;
  }
  await writeFile(options.out, `${lines.join('\n')}\n`);
  // On stderr, so stdout stays clean for whoever pipes it.
  deps.writer.err(`wrote ${lines.length} audit events of case ${caseId} to ${options.out}`);
  return ExitCode.ok;
}
