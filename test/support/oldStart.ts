import { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { CaseService } from '../../src/api/services/cases.js';
import { AssigneeKey } from '../../workflows/searchAttributes.js';
import type { Services } from './services.js';

/**
 * Intake as it was before `unassigned-case-has-no-assignee`: the same case, started with `Assignee=""`.
 * Everything else is today's intake; only the start request gains the old attribute on its way out.
 */
export function casesStartedTheOldWay(s: Services): CaseService {
  const client = new Client({
    connection: s.connection,
    namespace: 'default',
    dataConverter: s.dataConverter,
    interceptors: {
      workflow: [
        {
          async startWithDetails(input, next) {
            const pairs = (input.options.typedSearchAttributes ?? []) as SearchAttributePair[];
            return next({
              ...input,
              options: {
                ...input.options,
                typedSearchAttributes: [
                  ...pairs.filter((pair) => pair.key.name !== AssigneeKey.name),
                  { key: AssigneeKey, value: '' },
                ],
              },
            });
          },
        },
      ],
    },
  });
  return new CaseService({
    db: s.database.db,
    client,
    controls: s.controls,
    policy: s.policy,
    taskQueue: s.taskQueue,
    updateTimeoutMs: 20_000,
    databasePoolSize: 5,
  });
}
