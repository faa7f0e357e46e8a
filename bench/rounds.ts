import type { Case } from '../src/domain/case.js';
import type { Control } from '../src/domain/controls.js';
import type { Services } from '../test/support/services.js';
import type { Cast } from '../test/support/world.js';
import { applyControl, caseInput, newAccountId } from '../test/support/world.js';
import type { Timings } from './baseline/index.js';
import { timed } from './baseline/index.js';
import { cpuSeconds } from './cpu.js';

/** One round of cases, `parallel` at a time, with what it cost. */
export interface Round {
  cases: number;
  seconds: number;
  /** CPU seconds: this process, and the dev server with PostgreSQL. */
  cpu: { self: number; servers: number };
  timings: Timings;
  lastWorkflowId: string;
}

/** One side of a comparison: what a round must find in place before it starts, and one case. */
export interface Side {
  prepare?(cases: number): Promise<void>;
  one(t: Timings): Promise<string>;
}

export async function runRound(cases: number, parallel: number, side: Side): Promise<Round> {
  await side.prepare?.(cases);
  const timings: Timings = { intake: [], actions: [] };
  let lastWorkflowId = '';
  const cpuBefore = cpuSeconds();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < cases) {
        next += 1;
        lastWorkflowId = await side.one(timings);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  const cpuAfter = cpuSeconds();
  const cpu = { self: cpuAfter.self - cpuBefore.self, servers: cpuAfter.servers - cpuBefore.servers };
  return { cases, seconds, cpu, timings, lastWorkflowId };
}

export const perMinute = (rounds: Round[]) =>
  (60 * rounds.reduce((n, r) => n + r.cases, 0)) / rounds.reduce((s, r) => s + r.seconds, 0);
export const cpuMsPerCase = (rounds: Round[], which: 'self' | 'all') =>
  (1_000 * rounds.reduce((s, r) => s + r.cpu.self + (which === 'all' ? r.cpu.servers : 0), 0)) /
  rounds.reduce((n, r) => n + r.cases, 0);

/**
 * A low-tier unfreeze case from intake to a closed, lifted case: claimed, proposed, approved, monitored.
 * The restriction it asks to lift is applied before the round, so the round counts what the case costs
 * and not the registry's apply, which the bare case has no counterpart of.
 */
export function dualkeySide(services: Services, cast: Cast, onCreated?: (created: Case) => void): Side {
  const restrictions: Control[] = [];
  return {
    async prepare(cases) {
      for (let i = 0; i < cases; i++)
        restrictions.push(await applyControl(services, newAccountId(), 'login_lock'));
    },
    async one(t) {
      const lock = restrictions.pop();
      if (!lock) throw new Error('a round applies one restriction per case before it starts');
      const created = await timed(t.intake, () =>
        services.cases.create(cast.agent, caseInput(lock.accountId, { controlIds: [lock.id] })),
      );
      onCreated?.(created);
      await timed(t.actions, () => services.cases.act(cast.agent, created.id, 'claim', {}));
      const proposed = await timed(t.actions, () =>
        services.cases.act(cast.agent, created.id, 'propose', {
          controlIds: [lock.id],
          reasonCode: 'verified_owner',
          justification: 'bench',
        }),
      );
      await timed(t.actions, () =>
        services.cases.act(cast.checker, created.id, 'approve', { proposalId: proposed.proposals[0]!.id }),
      );
      // Waiting on the workflow's result, not polling, so the bench measures the engine and not its own load.
      await services.client.workflow.getHandle(created.workflowId).result();
      return created.workflowId;
    },
  };
}
