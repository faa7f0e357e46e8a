import type { Candidate } from './lifecycle/review.js';
import { assigneeRefusal } from './lifecycle/review.js';
import type { Policy } from './policy.js';
import type { AssignmentMode, BusinessLine } from './vocabulary.js';

/*
 * Who a case goes to when nobody picks it: the business line's assignment policy over the agents who may
 * take it and are not away. Pure, so the API at intake, the worker's availability sweep and the tests
 * reach the same answer from the same facts.
 */

/** Someone the directory knows, with when their absence ends (null when they are not away). */
export interface Agent extends Candidate {
  awayUntil: string | null;
}

/** An agent who may take the case now, with how many open cases they hold. */
export interface Contender {
  id: string;
  openCases: number;
}

export function assignmentModeOf(policy: Policy, businessLine: BusinessLine): AssignmentMode {
  return policy.assignment.businessLines[businessLine] ?? policy.assignment.default;
}

/** Away means an absence that has not ended yet; a date in the past is simply available again. */
export function isAway(agent: Pick<Agent, 'awayUntil'>, now: string): boolean {
  return agent.awayUntil !== null && Date.parse(agent.awayUntil) > Date.parse(now);
}

/** The agents a case in this business line may go to now: enabled reviewers in scope who are not away. */
export function availableAgents<A extends Agent>(
  agents: readonly A[],
  businessLine: BusinessLine,
  now: string,
): A[] {
  return agents.filter((a) => assigneeRefusal(a, businessLine) === undefined && !isAway(a, now));
}

/**
 * The agent the policy picks, or undefined when it picks nobody (manual, or no one available).
 * `round_robin` takes the first id after the line's last pick, in id order, wrapping round; `least_loaded`
 * takes whoever holds the fewest open cases, and among equals goes on in turn the same way, so a tie does
 * not always land on the same person.
 */
export function chooseAssignee(
  mode: AssignmentMode,
  contenders: readonly Contender[],
  lastPick: string | null,
): string | undefined {
  if (mode === 'manual' || contenders.length === 0) return undefined;
  const fewest = Math.min(...contenders.map((c) => c.openCases));
  const pool = (mode === 'least_loaded' ? contenders.filter((c) => c.openCases === fewest) : contenders)
    .map((c) => c.id)
    .sort();
  return (lastPick === null ? undefined : pool.find((id) => id > lastPick)) ?? pool[0];
}
