import { z } from 'zod';
import { controlOwnerDefaults } from '../controls.js';
import { BusinessLine, ControlCategory, ControlKind, ControlSource, ControlStatus } from './vocabulary.js';

export const Control = z.object({
  id: z.string(),
  accountId: z.string(),
  category: ControlCategory,
  kind: ControlKind,
  businessLine: BusinessLine,
  status: ControlStatus,
  reason: z.string(),
  version: z.number().int().positive(),
  source: ControlSource.default(controlOwnerDefaults.source).describe(
    'who put the control on, and so who owns lifting it',
  ),
  externalRef: z
    .string()
    .nullable()
    .default(controlOwnerDefaults.externalRef)
    .describe('the owner’s reference: a rule id, a legal order number'),
});
export type Control = z.infer<typeof Control>;
