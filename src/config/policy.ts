import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { NotificationRouting } from '../domain/notifications.js';
import type { Policy } from '../domain/policy.js';
import { defaultPolicy } from '../domain/policy.js';
import { resolveNotificationRouting } from '../domain/schemas/notifications.js';
import { resolvePolicy } from '../domain/schemas/policy.js';
import { ConfigError } from './errors.js';

/**
 * The DUALKEY_POLICY file (JSON or YAML), split in two: the `notifications` routing table, which the
 * worker reads when it queues a notification, and the rest, which every case snapshots at its start. The
 * routing stays out of the snapshot so webhook secrets never reach a workflow's history.
 */
function readPolicyDocument(path: string): { notifications: unknown; rest: Record<string, unknown> } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`DUALKEY_POLICY: cannot read ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`DUALKEY_POLICY: ${path} is not valid JSON or YAML: ${(error as Error).message}`);
  }
  if (document === null || document === undefined) return { notifications: {}, rest: {} };
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new ConfigError(`DUALKEY_POLICY: ${path} must hold an object`);
  }
  const { notifications = {}, ...rest } = document as Record<string, unknown>;
  return { notifications, rest };
}

function invalid(path: string, issues: readonly { path: PropertyKey[]; message: string }[], prefix = '') {
  const lines = issues.map((i) => `  ${prefix}${i.path.map(String).join('.')}: ${i.message}`);
  return new ConfigError(`DUALKEY_POLICY: ${path} is not a valid policy:\n${lines.join('\n')}`);
}

/** Loads the DUALKEY_POLICY file over the defaults; any problem stops start-up. */
export function loadPolicy(path: string | undefined): Policy {
  if (!path) return defaultPolicy;
  const result = resolvePolicy(readPolicyDocument(path).rest);
  if (!result.success) throw invalid(path, result.error.issues);
  return result.data;
}

/** The routing table of the DUALKEY_POLICY file's `notifications` section over the default table. */
export function loadNotificationRouting(path: string | undefined): NotificationRouting {
  const result = resolveNotificationRouting(path ? readPolicyDocument(path).notifications : {});
  if (!result.success) throw invalid(path ?? 'the default policy', result.error.issues, 'notifications.');
  return result.data;
}
