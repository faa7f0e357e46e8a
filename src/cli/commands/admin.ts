import { hostname, userInfo } from 'node:os';
import type { Database } from '../../db/client.js';
import { RECOVERY_VALID_MS, issueRecoveryAdmin } from '../../db/recovery.js';
import { ExitCode } from '../errors.js';
import type { JsonFlag, Writer } from '../output.js';
import { print } from '../output.js';

export interface AdminDeps {
  db: Database;
  writer: Writer;
}

/** Who ran the command, as the access stream records it: there is no dualkey identity to name. */
function operator(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = `uid ${process.getuid?.() ?? '?'}`;
  }
  return `cli:${name}@${hostname()}`;
}

/** `admin recover`: a one-time admin token for whoever holds the database (src/db/recovery.ts). */
export async function recoverAdminCommand(deps: AdminDeps, options: JsonFlag): Promise<number> {
  const recovery = await issueRecoveryAdmin(deps.db, operator());
  print(deps.writer, recovery, options, () => [
    `One-time admin token of ${recovery.userId}, valid until ${recovery.expiresAt}:`,
    `  ${recovery.token}`,
    'It acts alone, like the bootstrap key: create an admin (POST /v1/admin/users with roles ["admin"]) or',
    'give an enabled user the admin role (POST /v1/admin/grants). It stops working once it has made an',
    `admin, after ${RECOVERY_VALID_MS / 60_000} minutes, or when \`admin recover\` runs again. Recorded on the access audit stream.`,
  ]);
  return ExitCode.ok;
}
