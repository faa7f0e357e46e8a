import { z } from '@hono/zod-openapi';
import { EntityId, text } from '../domain/schemas/actions.js';
import { Timestamp } from '../domain/schemas/case.js';
import type { AccessChange as AccessChangeType, Grant } from '../domain/grants.js';
import { GrantStatus } from '../domain/grants.js';
import { Actor, BusinessLineScope, Role } from '../domain/schemas/permissions.js';
import { Department } from '../domain/schemas/vocabulary.js';

export const unique = <T extends z.ZodType>(item: T) =>
  z.array(item).refine((items) => new Set(items).size === items.length, 'must not repeat an entry');

export const UserParams = z.object({ userId: EntityId.meta({ param: { name: 'userId', in: 'path' } }) });
export const GrantParams = z.object({ grantId: EntityId.meta({ param: { name: 'grantId', in: 'path' } }) });

/** Roles, business lines and departments to add or remove; at least one entry in all. */
export const AccessChange = z.strictObject({
  roles: unique(Role).optional(),
  businessLines: unique(BusinessLineScope).optional(),
  departments: unique(Department).optional(),
});

export const hasSomething = (change: AccessChangeType) =>
  (change.roles?.length ?? 0) + (change.businessLines?.length ?? 0) + (change.departments?.length ?? 0) > 0;

export const DecisionInput = z
  .strictObject({ comment: text(2_000).optional() })
  .meta({ id: 'GrantDecision', examples: [{ comment: 'Checked with their team lead; training done.' }] });

export const ApiUser = Actor.extend({
  status: z.enum(['active', 'disabled']),
  sso: z.boolean().describe('signs in through the identity provider; access follows their groups'),
  createdAt: Timestamp,
}).meta({ id: 'User' });

export const ApiGrant = z
  .object({
    id: z.string(),
    userId: z.string(),
    roles: z.array(Role).describe('roles the user gains on approval'),
    businessLines: z.array(BusinessLineScope).describe('business lines the user gains on approval'),
    departments: z.array(Department).describe('departments the user gains on approval'),
    status: GrantStatus,
    requestedBy: z.string(),
    requestedAt: Timestamp,
    expiresAt: Timestamp.describe('a pending grant nobody approved by then expires'),
    decidedBy: z.string().nullable().describe('`system` for an expiry'),
    decidedAt: Timestamp.nullable(),
    comment: z.string().nullable(),
  })
  .meta({ id: 'Grant' });
export type ApiGrant = z.infer<typeof ApiGrant>;

export function toApiGrant(grant: Grant): ApiGrant {
  const { access, ...rest } = grant;
  return { ...rest, ...access };
}
