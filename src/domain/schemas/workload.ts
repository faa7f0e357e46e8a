import { z } from 'zod';
import { Timestamp } from './case.js';
import { BusinessLine, Department } from './vocabulary.js';

const count = z.number().int().min(0);

/** What every row of the report says about a pile of open work. */
const LoadFigures = z.object({
  open: count.describe('open items'),
  oldestAt: Timestamp.nullable().describe('when the oldest open item began; null when nothing is open'),
  oldestAgeSeconds: count
    .nullable()
    .describe('how long the oldest open item has waited, in whole seconds; null when nothing is open'),
  dueSoon: count.describe('open items due within `dueSoonSeconds` and not yet breached'),
  breached: count.describe('open items past their due time or flagged as having missed one'),
});

export const WorkloadReport = z
  .object({
    at: Timestamp.describe('the moment the figures describe'),
    businessLine: z.union([BusinessLine, z.null()]).describe('the business line reported on; null for all'),
    dueSoonSeconds: count.describe('how far ahead of `at` an item counts as due soon'),
    agents: z
      .array(
        LoadFigures.extend({
          assignee: z
            .string()
            .nullable()
            .describe('the agent holding the cases; null for the unassigned queue'),
        }).describe(
          'open cases by assignee: oldest by creation, due soon and breached by the earliest `dueAt` of what the case waits for; breached also counts cases flagged `slaBreached`',
        ),
      )
      .describe('per agent, most breached first, then most open, then by id; the unassigned queue last'),
    departments: z
      .array(
        LoadFigures.extend({ department: Department }).describe(
          'open escalations to the department on open cases: oldest by request, due soon and breached by the escalation’s `dueAt`',
        ),
      )
      .describe('per department with open escalations, by department'),
  })
  .describe('open work now, per agent and per department, for leads balancing it')
  .meta({ id: 'WorkloadReport' });
export type WorkloadReport = z.infer<typeof WorkloadReport>;
