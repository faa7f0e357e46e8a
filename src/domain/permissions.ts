import { DomainError } from './errors.js';
import type { Actor, Permission, PrivilegedRole, Role } from './schemas/permissions.js';
import type { BusinessLine } from './vocabulary.js';
import { ACCOUNT_OWNER, businessLines, departments, isOneOf } from './vocabulary.js';

export type { Actor, BusinessLineScope, Permission, PrivilegedRole, Role } from './schemas/permissions.js';

export const roles = [
  'agent',
  'checker',
  'senior',
  'compliance',
  'department',
  'auditor',
  'admin',
  'risk_engine',
] as const;

export const permissions = [
  'case.create',
  'case.read',
  'case.review',
  'case.release_any',
  'case.escalate',
  'removal.propose',
  'removal.approve',
  'removal.revert',
  'approval.senior',
  'approval.compliance',
  'controls.apply',
  'department.respond',
  'audit.read',
  'reports.read',
  'admin.users',
  'signals.ingest',
  'campaign.read',
  'campaign.propose',
  'campaign.approve',
  'campaign.check',
] as const;

/**
 * The one role table. A user's permissions are the union over their roles. `approval.senior` and
 * `approval.compliance` are not routes' permissions: they say whose approval counts as the senior or
 * compliance approval a high or critical proposal needs.
 */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  agent: ['case.create', 'case.read', 'case.review', 'case.escalate', 'removal.propose', 'controls.apply'],
  checker: ['case.read', 'removal.approve', 'campaign.read', 'campaign.check'],
  senior: [
    'case.review',
    'case.release_any',
    'removal.revert',
    'reports.read',
    'approval.senior',
    'campaign.read',
    'campaign.propose',
    'campaign.approve',
  ],
  compliance: [
    'case.read',
    'removal.approve',
    'removal.revert',
    'audit.read',
    'reports.read',
    'approval.compliance',
    'campaign.read',
    'campaign.approve',
  ],
  department: ['case.read', 'department.respond'],
  auditor: ['case.read', 'audit.read', 'reports.read', 'campaign.read'],
  risk_engine: ['signals.ingest', 'controls.apply'],
  admin: ['admin.users', 'case.read', 'audit.read', 'reports.read', 'controls.apply', 'campaign.read'],
};

/**
 * Roles that approve lifts, count as the senior or compliance approval, or hand out roles: granting one
 * needs a second admin's approval (see `grants.ts`). The others are granted on one admin's word.
 */
export const privilegedRoles = [
  'checker',
  'senior',
  'compliance',
  'admin',
] as const satisfies readonly Role[];

export function isPrivileged(role: Role): role is PrivilegedRole {
  return isOneOf(privilegedRoles, role);
}

/** `*` grants every business line; used for admins, auditors and the risk engine. */
export const allBusinessLines = '*';

/**
 * Whether an update's actor is one, checked in plain code inside the workflow (the API parsed it with the
 * `Actor` schema already): a malformed one is refused rather than breaking a rule halfway.
 */
export function isActor(value: unknown): value is Actor {
  if (typeof value !== 'object' || value === null) return false;
  const actor = value as Record<string, unknown>;
  const every = (list: unknown, ok: (item: unknown) => boolean) => Array.isArray(list) && list.every(ok);
  return (
    typeof actor.id === 'string' &&
    actor.id.length > 0 &&
    typeof actor.name === 'string' &&
    every(actor.roles, (r) => isOneOf(roles, r)) &&
    every(actor.businessLines, (b) => b === allBusinessLines || isOneOf(businessLines, b)) &&
    every(actor.departments, (d) => isOneOf(departments, d))
  );
}

/** The engine itself, for timer-driven steps (expiry, SLA breach, end of monitoring). */
export const systemActor: Actor = {
  id: 'system',
  name: 'dualkey',
  roles: [],
  businessLines: ['*'],
  departments: [],
};

/**
 * Whoever followed a respond link to answer a question: known only as the owner of the account the
 * question went to. Holds no permission; only the rule made for it (`answerAsOwner`) lets it act.
 */
export const accountOwnerActor: Actor = {
  id: ACCOUNT_OWNER,
  name: 'the account owner',
  roles: [],
  businessLines: [],
  departments: [],
};

export function permissionsOf(roles: readonly Role[]): ReadonlySet<Permission> {
  return new Set(roles.flatMap((role) => rolePermissions[role]));
}

export function hasPermission(actor: Pick<Actor, 'roles'>, permission: Permission): boolean {
  return actor.roles.some((role) => rolePermissions[role].includes(permission));
}

export function inScope(actor: Pick<Actor, 'businessLines'>, businessLine: BusinessLine): boolean {
  return actor.businessLines.includes('*') || actor.businessLines.includes(businessLine);
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!hasPermission(actor, permission)) {
    throw new DomainError(
      'forbidden',
      `this action needs the permission ${permission}, which ${actor.id} lacks`,
    );
  }
}

export function requireScope(actor: Actor, businessLine: BusinessLine): void {
  if (!inScope(actor, businessLine)) {
    throw new DomainError('out_of_scope', `business line ${businessLine} is not in ${actor.id}'s scopes`);
  }
}

/** Permission and business-line scope together: what almost every case action checks first. */
export function authorize(actor: Actor, permission: Permission, businessLine: BusinessLine): void {
  requirePermission(actor, permission);
  requireScope(actor, businessLine);
}
