import { z } from 'zod';
import type { Access } from './grants.js';
import { applyGrant, noAccess } from './grants.js';
import { BusinessLineScope, Role } from './schemas/permissions.js';
import { Department } from './schemas/vocabulary.js';

const GroupAccess = z.strictObject({
  roles: z.array(Role).default([]),
  businessLines: z.array(BusinessLineScope).default([]),
  departments: z.array(Department).default([]),
});

/**
 * The mapping file (`DUALKEY_SSO_MAPPING`): which identity-provider groups give which roles, business
 * lines and departments. A person's access is the union over their mapped groups.
 */
export const SsoMapping = z.strictObject({
  groups: z.record(z.string().min(1), GroupAccess),
});
export type SsoMapping = z.output<typeof SsoMapping>;

/** The access a set of groups maps to; undefined when they map to no role at all. */
export function accessForGroups(mapping: SsoMapping, groups: readonly string[]): Access | undefined {
  const access = [...new Set(groups)]
    .sort()
    .flatMap((group) => {
      const mapped = mapping.groups[group];
      return mapped ? [mapped] : [];
    })
    .reduce<Access>((held, mapped) => applyGrant(held, mapped), noAccess);
  return access.roles.length > 0 ? access : undefined;
}
