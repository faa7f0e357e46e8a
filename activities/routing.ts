import { listAgents } from '../src/db/assignment.js';
import { eligibleCheckers } from '../src/domain/routing.js';
import type { BusinessLine } from '../src/domain/vocabulary.js';
import type { ActivityDeps } from './index.js';

export function createRoutingActivities({ db }: Pick<ActivityDeps, 'db'>) {
  return {
    /**
     * The checkers a proposal may be offered to, read from the directory outside the workflow: who is
     * enabled, approves in the line, is not away, and is neither the maker nor the case's creator.
     */
    async eligibleCheckers(input: { businessLine: BusinessLine; exclude: string[] }): Promise<string[]> {
      return eligibleCheckers(await listAgents(db), { ...input, now: new Date().toISOString() });
    },
  };
}
