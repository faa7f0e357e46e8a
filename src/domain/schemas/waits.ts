import { z } from 'zod';
import type { ActionName } from '../caseActions.js';
import { actionNames } from '../caseActions.js';
import type { WaitKind } from '../waits.js';
import { waits } from '../waits.js';
import { Timestamp } from './case.js';

/** One thing outstanding on a case, as the step that waits for it reports it. */
export const Outstanding = z.object({
  id: z.string().describe('what it is about: an escalation, a proposal, a deadline'),
  what: z.string().describe('what the case is waiting for, in words'),
  who: z.string().describe('who must act: a department, a role, the user'),
  dueAt: Timestamp,
});
export type Outstanding = z.infer<typeof Outstanding>;

export const PendingItem = Outstanding.extend({
  wait: z.enum(Object.keys(waits) as [WaitKind, ...WaitKind[]]).describe('the kind of wait'),
  actions: z
    .array(z.enum(actionNames as [ActionName, ...ActionName[]]))
    .describe('the actions that answer it'),
}).meta({ id: 'PendingItem' });
export type PendingItem = z.infer<typeof PendingItem>;
