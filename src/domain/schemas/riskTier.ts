import { z } from 'zod';

export const RiskHints = z
  .strictObject({
    suspectedAccountTakeover: z
      .boolean()
      .optional()
      .describe('the caller believes the account is or was taken over'),
    lawEnforcementRequest: z.boolean().optional().describe('a law-enforcement or court request is involved'),
    highValueAccount: z.boolean().optional().describe('raises the tier one level'),
  })
  .meta({ id: 'RiskHints' });
export type RiskHints = z.infer<typeof RiskHints>;
