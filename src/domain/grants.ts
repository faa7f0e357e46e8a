import { z } from 'zod';
import { DomainError } from './errors.js';
import type { Actor } from './permissions.js';
import { isPrivileged } from './permissions.js';
import { BusinessLineScope, Role } from './schemas/permissions.js';
import { Department } from './schemas/vocabulary.js';

/** What a user may do and where: their roles, business-line scopes and departments. */
export const Access = z.object({
  roles: z.array(Role),
  businessLines: z.array(BusinessLineScope),
  departments: z.array(Department),
});
export type Access = z.infer<typeof Access>;

/** Some of a user's access, to add or to remove; a missing list changes nothing. */
export type AccessChange = { [K in keyof Access]?: Access[K] | undefined };

export const GrantStatus = z.enum(['pending', 'approved', 'rejected', 'expired']).meta({ id: 'GrantStatus' });
export type GrantStatus = z.infer<typeof GrantStatus>;

/** A request to widen a user's access, waiting for a second admin. */
export interface Grant {
  id: string;
  userId: string;
  /** What the user gains on approval; only what they lacked when it was asked for. */
  access: Access;
  status: GrantStatus;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export const noAccess: Access = { roles: [], businessLines: [], departments: [] };

const missing = <T>(wanted: readonly T[] = [], held: readonly T[]): T[] =>
  [...new Set(wanted)].filter((item) => !held.includes(item));

export function isEmpty(access: Access): boolean {
  return access.roles.length + access.businessLines.length + access.departments.length === 0;
}

/** The part of `wanted` the user does not hold yet; a `*` scope already covers every business line. */
export function additions(held: Access, wanted: AccessChange): Access {
  return {
    roles: missing(wanted.roles, held.roles),
    businessLines: held.businessLines.includes('*') ? [] : missing(wanted.businessLines, held.businessLines),
    departments: missing(wanted.departments, held.departments),
  };
}

/**
 * How a new user's access splits: unprivileged roles and the starting scopes are theirs at once, the
 * privileged roles wait for a second admin. Scopes given at creation widen nothing the user had.
 */
export function splitNewUser(wanted: Access): { immediate: Access; pending: Access | null } {
  const privileged = wanted.roles.filter(isPrivileged);
  return {
    immediate: { ...wanted, roles: wanted.roles.filter((role) => !isPrivileged(role)) },
    pending: privileged.length > 0 ? { ...noAccess, roles: privileged } : null,
  };
}

/** What a grant request asks for, or why there is nothing to ask for. */
export function grantRequest(held: Access, wanted: AccessChange): Access {
  const added = additions(held, wanted);
  if (isEmpty(added)) {
    throw new DomainError('invalid_state', 'the user already holds every role and scope this grant asks for');
  }
  return added;
}

/** Access after a grant: the union, with `*` standing for every business line. */
export function applyGrant(held: Access, granted: Access): Access {
  const lines = [...held.businessLines, ...missing(granted.businessLines, held.businessLines)];
  return {
    roles: [...held.roles, ...missing(granted.roles, held.roles)],
    businessLines: lines.includes('*') ? ['*'] : lines,
    departments: [...held.departments, ...missing(granted.departments, held.departments)],
  };
}

/** Access after a revocation: whatever is named is gone at once. */
export function revokeAccess(held: Access, revoked: AccessChange): Access {
  return {
    roles: held.roles.filter((role) => !revoked.roles?.includes(role)),
    businessLines: held.businessLines.filter((line) => !revoked.businessLines?.includes(line)),
    departments: held.departments.filter((department) => !revoked.departments?.includes(department)),
  };
}

export function isExpired(grant: Pick<Grant, 'status' | 'expiresAt'>, now: Date): boolean {
  return grant.status === 'pending' && Date.parse(grant.expiresAt) <= now.getTime();
}

export type GrantDecision = 'approve' | 'reject';

/**
 * May `decider` take this decision now? Four eyes: neither the admin who asked nor the user who gains
 * may approve. Rejecting makes nothing wider, so the requester may withdraw their own grant that way.
 * `actsAlone` is the installer's bootstrap key, which has no second admin to wait for.
 */
export function checkDecision(
  grant: Pick<Grant, 'id' | 'status' | 'expiresAt' | 'requestedBy' | 'userId'>,
  decider: Pick<Actor, 'id'>,
  decision: GrantDecision,
  now: Date,
  actsAlone = false,
): void {
  if (grant.status === 'expired' || isExpired(grant, now)) {
    throw new DomainError('invalid_state', `grant ${grant.id} expired at ${grant.expiresAt}; ask again`);
  }
  if (grant.status !== 'pending') {
    throw new DomainError('already_decided', `grant ${grant.id} is already ${grant.status}`);
  }
  if (decision === 'reject' || actsAlone) return;
  if (decider.id === grant.requestedBy) {
    throw new DomainError(
      'separation_of_duties',
      `${decider.id} requested grant ${grant.id}; another admin must approve it`,
    );
  }
  if (decider.id === grant.userId) {
    throw new DomainError(
      'separation_of_duties',
      `grant ${grant.id} widens ${decider.id}'s own access; another admin must approve it`,
    );
  }
}

/**
 * May this revocation happen? Nobody disables themselves, and the last enabled admin stays one: without
 * an admin nobody can give access again, and only someone holding the database could recover
 * (`npm run cli -- admin recover`). `otherAdmins` counts the enabled admins besides `target`.
 */
export function checkRevocation(
  actor: Pick<Actor, 'id'>,
  target: Pick<Actor, 'id' | 'roles'> & { status: 'active' | 'disabled' },
  change: { after: Access; disable: boolean },
  otherAdmins: number,
): void {
  if (change.disable && actor.id === target.id) {
    throw new DomainError('self_lockout', `${actor.id} cannot disable themselves; ask another admin`);
  }
  const endsAnAdmin =
    target.status === 'active' &&
    target.roles.includes('admin') &&
    (change.disable || !change.after.roles.includes('admin'));
  if (endsAnAdmin && otherAdmins === 0) {
    throw new DomainError(
      'last_admin',
      `${target.id} is the last enabled admin; make another admin first, or nobody could give access again`,
    );
  }
}
