import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { Logger } from 'pino';
import { sql } from 'drizzle-orm';
import { ACCESS_STREAM, appendAudit, recordAudit } from '../../db/audit.js';
import type { UserRecord } from '../../db/access.js';
import { findSsoUser, insertUser, updateSsoUser } from '../../db/access.js';
import type { Database } from '../../db/client.js';
import { DomainError } from '../../domain/errors.js';
import type { Actor } from '../../domain/permissions.js';
import type { Access } from '../../domain/grants.js';
import type { SsoMapping } from '../../domain/sso.js';
import { accessForGroups } from '../../domain/sso.js';

export interface SsoSettings {
  issuer: string;
  audience: string;
  /** Where the signing keys are; from the issuer's discovery document when unset. */
  jwksUrl: string | undefined;
  algorithms: string[];
  clockToleranceSeconds: number;
  groupsClaim: string;
  /** What the console needs to run the authorization-code flow with PKCE in the browser. */
  consoleClientId: string | undefined;
  scopes: string;
  mapping: SsoMapping;
}

type SsoUser = NonNullable<Awaited<ReturnType<typeof findSsoUser>>>;

/** A JWS compact serialisation: three base64url parts. dualkey's own tokens never look like this. */
const jwtShape = /^[\w-]+\.[\w-]+\.[\w-]+$/;

const sameGroups = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((group, i) => group === [...b].sort()[i]);

/**
 * Accepts the identity provider's access tokens: signature against its JWKS, issuer, audience, expiry
 * (with the configured clock skew) and an algorithm allow-list, then maps the token's groups to a
 * dualkey user, creating or updating the user record when the subject is new or its groups changed.
 */
export class SsoVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly db: Database,
    readonly settings: SsoSettings,
    private readonly log?: Logger,
  ) {}

  accepts(token: string): boolean {
    return jwtShape.test(token);
  }

  private async discoverKeys(): Promise<JWTVerifyGetKey> {
    if (this.settings.jwksUrl) return createRemoteJWKSet(new URL(this.settings.jwksUrl));
    const discovery = new URL(`${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    const response = await fetch(discovery, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`${discovery.href} answered ${response.status}`);
    const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
    if (typeof jwksUri !== 'string') throw new Error(`${discovery.href} names no jwks_uri`);
    return createRemoteJWKSet(new URL(jwksUri));
  }

  private signingKeys(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.discoverKeys().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async verify(token: string): Promise<JWTPayload> {
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.signingKeys();
    } catch (error) {
      this.log?.warn({ err: error }, 'identity provider unreachable');
      throw new DomainError('unavailable', 'the identity provider cannot be reached; try again shortly');
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.settings.algorithms,
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['sub', 'exp'],
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JWKSTimeout) {
        throw new DomainError('unavailable', 'the identity provider cannot be reached; try again shortly');
      }
      if (error instanceof errors.JWTExpired) {
        throw new DomainError('unauthenticated', 'the access token has expired; sign in again');
      }
      if (error instanceof errors.JOSEError) {
        throw new DomainError('unauthenticated', `the access token is not valid here: ${error.message}`);
      }
      throw error;
    }
  }

  /** The dualkey user behind an access token; refuses identities whose groups map to no role. */
  async actorFor(token: string): Promise<Actor> {
    const payload = await this.verify(token);
    const sub = String(payload.sub);
    const subject = `${payload.iss ?? ''}#${sub}`;
    const claim = payload[this.settings.groupsClaim];
    const groups = Array.isArray(claim) ? claim.filter((g): g is string => typeof g === 'string') : [];
    const name =
      [payload.name, payload.preferred_username, payload.email].find(
        (value): value is string => typeof value === 'string' && value.trim() !== '',
      ) ?? sub;

    const access = accessForGroups(this.settings.mapping, groups);
    if (!access) {
      const error = new DomainError(
        'unmapped_identity',
        `none of ${name}'s identity-provider groups (${groups.join(', ') || 'none'}) maps to a dualkey role; ` +
          'ask an administrator to add you to a mapped group',
      );
      await recordAudit(this.db, [
        {
          stream: ACCESS_STREAM,
          at: new Date().toISOString(),
          actor: `sso:${sub}`,
          action: 'sso.sign_in',
          outcome: 'denied',
          details: { code: error.code, subject: sub, groups },
        },
      ]).catch(() => undefined);
      throw error;
    }

    const issuedAt = new Date((payload.iat ?? Math.floor(Date.now() / 1_000)) * 1_000);
    const found = await findSsoUser(this.db, subject);
    const user =
      found && this.isCurrent(found, groups, issuedAt)
        ? found
        : await this.record({ subject, sub, name, groups, issuedAt, access });
    if (user.status === 'disabled') {
      throw new DomainError('unauthenticated', `${user.id} is disabled in dualkey`);
    }
    const { id, roles, businessLines, departments } = user;
    return { id, name: user.name, roles, businessLines, departments };
  }

  /** The stored record stands when its groups are these, or came from a newer token than this one. */
  private isCurrent(user: SsoUser, groups: string[], issuedAt: Date): boolean {
    return sameGroups(user.groups, groups) || user.groupsAt > issuedAt;
  }

  /** Creates or updates the user from a first sign-in or changed groups, audited on `access`. */
  private async record(signIn: {
    subject: string;
    sub: string;
    name: string;
    groups: string[];
    issuedAt: Date;
    access: Access;
  }): Promise<UserRecord> {
    const { subject, sub, name, groups, issuedAt, access } = signIn;
    return this.db.transaction(async (tx) => {
      // Two first requests of one person at once create one user.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${subject}))`);
      const current = await findSsoUser(tx, subject);
      if (current && this.isCurrent(current, groups, issuedAt)) return current;
      const record = current
        ? await updateSsoUser(tx, current.id, { name, groups, groupsAt: issuedAt, ...access })
        : await insertUser(tx, { name, ...access, sso: { subject, groups, groupsAt: issuedAt } });
      await appendAudit(tx, [
        {
          stream: ACCESS_STREAM,
          at: new Date().toISOString(),
          actor: record.id,
          action: current ? 'sso.user_updated' : 'sso.user_created',
          outcome: 'accepted',
          details: { userId: record.id, subject: sub, groups, ...access },
        },
      ]);
      return record;
    });
  }
}
