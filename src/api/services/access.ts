import type { AuditInput } from '../../db/audit.js';
import { ACCESS_STREAM, appendAudit } from '../../db/audit.js';
import type { UserRecord } from '../../db/access.js';
import {
  decideGrant,
  disableUser,
  expireDueGrants,
  insertGrant,
  insertUser,
  listGrants,
  listUsers,
  lockAdminChanges,
  lockGrant,
  lockUser,
  otherEnabledAdmins,
  setUserAccess,
} from '../../db/access.js';
import type { Database, Executor } from '../../db/client.js';
import { useRecoveryAdmin } from '../../db/recovery.js';
import { BOOTSTRAP_ADMIN_ID, isRecoveryAdmin } from '../../db/users.js';
import { DomainError } from '../../domain/errors.js';
import type { Access, AccessChange, Grant, GrantStatus } from '../../domain/grants.js';
import {
  applyGrant,
  checkDecision,
  checkRevocation,
  grantRequest,
  revokeAccess,
  splitNewUser,
} from '../../domain/grants.js';
import type { Actor } from '../../domain/permissions.js';
import type { Policy } from '../../domain/policy.js';

function accepted(actor: string, action: string, details: Record<string, unknown>): AuditInput {
  return {
    stream: ACCESS_STREAM,
    at: new Date().toISOString(),
    actor,
    action,
    outcome: 'accepted',
    details,
  };
}

const grantDetails = (grant: Grant) => ({ grantId: grant.id, userId: grant.userId, ...grant.access });

/**
 * Who may do what, changed with four eyes: widening waits for a second admin, narrowing is at once.
 * Grants are rows with a deadline; whoever reads or decides first after the deadline expires them, and
 * `expireDue` (run on a timer by the API) catches the ones nobody looks at.
 */
export class AccessService {
  constructor(
    private readonly db: Database,
    private readonly policy: Pick<Policy, 'access'>,
    /** Told after every change of a user's access has committed (the token cache forgets). */
    private readonly accessChanged: () => void,
  ) {}

  /** The installer's key and a recovery token (`npm run cli -- admin recover`) have no second admin to wait for. */
  static actsAlone(actor: Pick<Actor, 'id'>): boolean {
    return actor.id === BOOTSTRAP_ADMIN_ID || isRecoveryAdmin(actor.id);
  }

  /** A recovery admin's one job is done once it has made someone an admin: it ends in the same transaction. */
  private async afterRecovery(tx: Executor, actor: Actor, user: Pick<Actor, 'id' | 'roles'>): Promise<void> {
    if (isRecoveryAdmin(actor.id) && user.roles.includes('admin')) {
      await useRecoveryAdmin(tx, actor.id, user.id);
    }
  }

  async users(): Promise<UserRecord[]> {
    return listUsers(this.db);
  }

  async grants(status?: GrantStatus): Promise<Grant[]> {
    await this.expireDue();
    return listGrants(this.db, status);
  }

  /** Expires pending grants past their deadline and audits each expiry once; returns how many. */
  async expireDue(now = new Date()): Promise<number> {
    return this.db.transaction(async (tx) => (await this.expireIn(tx, now)).length);
  }

  private async expireIn(tx: Executor, now: Date): Promise<Grant[]> {
    const expired = await expireDueGrants(tx, now);
    await appendAudit(
      tx,
      expired.map((grant) => accepted('system', 'grant.expired', grantDetails(grant))),
    );
    return expired;
  }

  /** A new user gets the unprivileged part at once; privileged roles become a pending grant. */
  async createUser(
    actor: Actor,
    input: Access & { name: string },
  ): Promise<{ user: UserRecord; grant: Grant | null }> {
    return this.changing(async (tx) => {
      const wanted: Access = {
        roles: input.roles,
        businessLines: input.businessLines,
        departments: input.departments,
      };
      const { immediate, pending } = AccessService.actsAlone(actor)
        ? { immediate: wanted, pending: null }
        : splitNewUser(wanted);
      const user = await insertUser(tx, { name: input.name, ...immediate });
      await appendAudit(tx, [
        accepted(actor.id, 'user.created', { userId: user.id, name: user.name, ...immediate }),
      ]);
      const grant = pending ? await this.request(tx, actor, user.id, pending) : null;
      await this.afterRecovery(tx, actor, user);
      return { user, grant };
    });
  }

  async requestGrant(actor: Actor, userId: string, wanted: AccessChange): Promise<Grant> {
    return this.changing(async (tx) => {
      const user = await lockUser(tx, userId);
      if (!user) throw new DomainError('not_found', `no user ${userId}`);
      if (user.status === 'disabled') {
        throw new DomainError('invalid_state', `${userId} is disabled; nothing can be granted to them`);
      }
      const grant = await this.request(tx, actor, userId, grantRequest(user, wanted));
      if (!AccessService.actsAlone(actor)) return grant;
      return this.approveIn(tx, actor, grant, 'the installer’s bootstrap key acts alone');
    });
  }

  private async request(tx: Executor, actor: Actor, userId: string, access: Access): Promise<Grant> {
    const expiresAt = new Date(Date.now() + this.policy.access.grantExpiry);
    const grant = await insertGrant(tx, { userId, access, requestedBy: actor.id, expiresAt });
    await appendAudit(tx, [
      accepted(actor.id, 'grant.requested', { ...grantDetails(grant), expiresAt: grant.expiresAt }),
    ]);
    return grant;
  }

  async decide(
    actor: Actor,
    grantId: string,
    decision: 'approve' | 'reject',
    comment: string | null,
  ): Promise<Grant> {
    // Expired in a transaction of its own, so the expiry stays recorded when this decision is refused.
    await this.expireDue();
    return this.changing(async (tx) => {
      const grant = await lockGrant(tx, grantId);
      if (!grant) throw new DomainError('not_found', `no grant ${grantId}`);
      checkDecision(grant, actor, decision, new Date(), AccessService.actsAlone(actor));
      if (decision === 'approve') return this.approveIn(tx, actor, grant, comment);
      const rejected = await decideGrant(tx, grant.id, { status: 'rejected', decidedBy: actor.id, comment });
      await appendAudit(tx, [accepted(actor.id, 'grant.rejected', { ...grantDetails(rejected), comment })]);
      return rejected;
    });
  }

  private async approveIn(tx: Executor, actor: Actor, grant: Grant, comment: string | null): Promise<Grant> {
    const user = await lockUser(tx, grant.userId);
    if (!user) throw new DomainError('not_found', `no user ${grant.userId}`);
    if (user.status === 'disabled') {
      throw new DomainError('invalid_state', `${user.id} was disabled; reject this grant instead`);
    }
    const after = await setUserAccess(tx, user.id, applyGrant(user, grant.access));
    const approved = await decideGrant(tx, grant.id, { status: 'approved', decidedBy: actor.id, comment });
    await appendAudit(tx, [
      accepted(actor.id, 'grant.approved', {
        ...grantDetails(approved),
        comment,
        after: { roles: after.roles, businessLines: after.businessLines, departments: after.departments },
      }),
    ]);
    await this.afterRecovery(tx, actor, after);
    return approved;
  }

  /**
   * Narrowing is never dangerous, so one admin's word takes effect at once; but nobody disables
   * themselves, and the last enabled admin stays one (`checkRevocation`).
   */
  async revoke(
    actor: Actor,
    userId: string,
    revoked: AccessChange & { disable?: boolean | undefined },
  ): Promise<UserRecord> {
    return this.changing(async (tx) => {
      await lockAdminChanges(tx);
      const user = await lockUser(tx, userId);
      if (!user) throw new DomainError('not_found', `no user ${userId}`);
      const { disable, ...narrowed } = revoked;
      const access = revokeAccess(user, narrowed);
      checkRevocation(
        actor,
        user,
        { after: access, disable: Boolean(disable) },
        await otherEnabledAdmins(tx, userId),
      );
      let after = await setUserAccess(tx, userId, access);
      if (disable) {
        await disableUser(tx, userId);
        after = { ...after, status: 'disabled' };
      }
      await appendAudit(tx, [
        accepted(actor.id, 'access.revoked', {
          userId,
          ...narrowed,
          disabled: Boolean(disable),
          after: { roles: after.roles, businessLines: after.businessLines, departments: after.departments },
        }),
      ]);
      return after;
    });
  }

  /** A transaction that may change a user's access; once it has committed, whoever caches access hears of it. */
  private async changing<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    try {
      return await this.db.transaction(work);
    } finally {
      this.accessChanged();
    }
  }
}
