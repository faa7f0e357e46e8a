import { z } from 'zod';
import { allBusinessLines, permissions, privilegedRoles, roles } from '../permissions.js';
import { BusinessLine, Department } from './vocabulary.js';

export const Role = z.enum(roles).meta({ id: 'Role' });
export type Role = z.infer<typeof Role>;

export const Permission = z.enum(permissions);
export type Permission = z.infer<typeof Permission>;

export const PrivilegedRole = Role.extract(privilegedRoles);
export type PrivilegedRole = z.infer<typeof PrivilegedRole>;

export const BusinessLineScope = z
  .union([BusinessLine, z.literal(allBusinessLines)])
  .meta({ id: 'BusinessLineScope' });
export type BusinessLineScope = z.infer<typeof BusinessLineScope>;

export const Actor = z.strictObject({
  id: z.string().min(1),
  name: z.string(),
  roles: z.array(Role),
  businessLines: z.array(BusinessLineScope),
  departments: z.array(Department),
});
export type Actor = z.infer<typeof Actor>;
