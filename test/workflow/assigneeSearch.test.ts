import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Case } from '../../src/domain/case.js';
import { workflowIdFor } from '../../src/domain/case.js';
import { AssigneeKey } from '../../workflows/searchAttributes.js';
import { casesStartedTheOldWay } from '../support/oldStart.js';
import { documentedSearches } from '../support/savedSearches.js';
import type { Services } from '../support/services.js';
import { startServices } from '../support/services.js';
import type { Cast } from '../support/world.js';
import { caseInput, eventually, makeCast, newAccountId } from '../support/world.js';

let services: Services;
let cast: Cast;
let fresh: Case;
let old: Case;
const searches = documentedSearches();

beforeAll(async () => {
  services = await startServices();
  cast = await makeCast(services);
  fresh = await services.cases.create(cast.agent, caseInput(newAccountId(), { type: 'complaint' }));
  old = await casesStartedTheOldWay(services).create(
    cast.agent,
    caseInput(newAccountId(), { type: 'complaint' }),
  );
});
afterAll(async () => services?.stop());

const assigneeOf = async (c: Case) =>
  (await services.client.workflow.getHandle(workflowIdFor(c.id)).describe()).typedSearchAttributes.get(
    AssigneeKey,
  );

/** Which of this test's two cases a filter finds, the filter scoped to them (the namespace is shared). */
async function found(filter: string): Promise<string[]> {
  const ids = [fresh, old].map((c) => `"${workflowIdFor(c.id)}"`).join(', ');
  const matched: string[] = [];
  for await (const run of services.client.workflow.list({
    query: `(${filter}) AND WorkflowId IN (${ids})`,
  })) {
    matched.push(run.workflowId);
  }
  return matched.map((id) => (id === workflowIdFor(fresh.id) ? 'new' : 'old')).sort();
}

/** Every documented search, with what it finds of the two cases; the account filter names the new one's. */
async function everySearch(): Promise<Record<string, string[]>> {
  const results: Record<string, string[]> = {};
  for (const [what, filter] of searches) {
    results[what] = await found(filter.replace('acct-1001', fresh.accountId));
  }
  return results;
}

const unassigned = 'unassigned open cases';

describe('"unassigned" means unassigned', () => {
  it('documents the searches this test runs', () => {
    expect(searches.get(unassigned)).toBe(
      'Assignee IS NULL AND ExecutionStatus="Running" AND CaseStatus!="closed" AND CaseType!="campaign"',
    );
    expect(searches.get('by account')).toContain('acct-1001');
    expect(searches.size).toBeGreaterThanOrEqual(10);
  });

  it('a new case starts without Assignee; an old-style case carries Assignee="" until its next change', async () => {
    expect(await assigneeOf(fresh)).toBeUndefined();
    expect(await assigneeOf(old)).toBe('');
    // Visibility trails the start by a moment; both are open cases once it has caught up.
    await eventually(
      () => found(searches.get('every open case') ?? ''),
      (ids) => ids.length === 2,
      { what: 'both cases to be listed as open' },
    );
    const before = await everySearch();
    const expected = Object.fromEntries([...searches.keys()].map((what) => [what, [] as string[]]));
    expect(before).toEqual({
      ...expected,
      'every open case': ['new', 'old'],
      'by account': ['new'],
      // The old start's empty string is a value, so IS NULL misses the case nobody has claimed.
      [unassigned]: ['new'],
    });

    await services.cases.act(cast.agent, old.id, 'addNote', { text: 'Called the user back.' });
    await eventually(
      () => assigneeOf(old),
      (value) => value === undefined,
      { what: `${old.id} to drop Assignee=""` },
    );
    await eventually(
      () => found(searches.get(unassigned) ?? ''),
      (ids) => ids.length === 2,
      { what: 'both cases to be found unassigned' },
    );
    expect(await everySearch()).toEqual({
      ...expected,
      'every open case': ['new', 'old'],
      'by account': ['new'],
      [unassigned]: ['new', 'old'],
    });
  });

  it('a claim sets Assignee and a release removes it again, on either kind of case', async () => {
    for (const c of [fresh, old]) {
      await services.cases.act(cast.agent, c.id, 'claim', {});
      await eventually(
        () => found(`Assignee="${cast.agent.id}"`),
        (ids) => ids.includes(c.id === fresh.id ? 'new' : 'old'),
        { what: `${c.id} to be found by its assignee` },
      );
      expect(await found(searches.get(unassigned) ?? '')).not.toContain(c.id === fresh.id ? 'new' : 'old');
      await services.cases.act(cast.agent, c.id, 'release', {});
      await eventually(
        () => found(searches.get(unassigned) ?? ''),
        (ids) => ids.includes(c.id === fresh.id ? 'new' : 'old'),
        { what: `${c.id} to be found unassigned after its release` },
      );
      expect(await assigneeOf(c)).toBeUndefined();
    }
  });
});
