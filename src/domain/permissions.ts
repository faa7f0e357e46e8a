import { z } from 'zod';
import { DomainError } from './errors.js';
import { BusinessLine, Department } from './vocabulary.js';

export const Role = z
  .enum(['agent', 'checker', 'senior', 'compliance', 'department', 'auditor', 'admin', 'risk_engine'])
  .meta({ id: 'Role' });
export type Role = z.infer<typeof Role>;

export const Permission = z.enum([
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
]);
export type Permission = z.infer<typeof Permission>;

/**
 * The one role table. A user's permissions are the union over their roles. `approval.senior` and
 * `approval.compliance` are not routes' permissions: they say whose approval counts as the senior or
 * compliance approval a high or critical proposal needs.
 */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  agent: ['case.create', 'case.read', 'case.review', 'case.escalate', 'removal.propose', 'controls.apply'],
  checker: ['case.read', 'removal.approve'],
  senior: ['case.review', 'case.release_any', 'removal.revert', 'reports.read', 'approval.senior'],
  compliance: [
    'case.read',
    'removal.approve',
    'removal.revert',
    'audit.read',
    'reports.read',
    'approval.compliance',
  ],
  department: ['case.read', 'department.respond'],
  auditor: ['case.read', 'audit.read', 'reports.read'],
  risk_engine: ['signals.ingest', 'controls.apply'],
  admin: ['admin.users', 'case.read', 'audit.read', 'reports.read', 'controls.apply'],
};

/**
 * Roles that approve lifts, count as the senior or compliance approval, or hand out roles: granting one
 * needs a second admin's approval (see `grants.ts`). The others are granted on one admin's word.
 */
export const PrivilegedRole = Role.extract(['checker', 'senior', 'compliance', 'admin']);
export type PrivilegedRole = z.infer<typeof PrivilegedRole>;

export function isPrivileged(role: Role): role is PrivilegedRole {
  return PrivilegedRole.safeParse(role).success;
}

/** `*` grants every business line; used for admins, auditors and the risk engine. */
export const BusinessLineScope = z.union([BusinessLine, z.literal('*')]).meta({ id: 'BusinessLineScope' });
export type BusinessLineScope = z.infer<typeof BusinessLineScope>;

export const Actor = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  roles: z.array(Role),
  businessLines: z.array(BusinessLineScope),
  departments: z.array(Department),
});
export type Actor = z.infer<typeof Actor>;

/** The engine itself, for timer-driven steps (expiry, SLA breach, end of monitoring). */
export const systemActor: Actor = {
  id: 'system',
  name: 'dualkey',
  roles: [],
  businessLines: ['*'],
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
