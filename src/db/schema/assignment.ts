import { pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.js';

/**
 * Whose turn it is in each business line: the agent the assignment policy picked last. Its row is locked
 * while the next pick is made, so two intakes at once never both take the same turn.
 */
export const assignmentTurns = pgTable('assignment_turns', {
  businessLine: text('business_line').primaryKey(),
  lastAssignee: text('last_assignee'),
  pickedAt: instant('picked_at').notNull().defaultNow(),
});
