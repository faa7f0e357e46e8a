import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { controlEvents } from '../../src/db/schema/index.js';
import { DomainError } from '../../src/domain/errors.js';
import type { CreateCaseInput } from '../../src/domain/schemas/actions.js';
import type { Case } from '../../src/domain/case.js';
import type { ApplyControl, Control } from '../../src/domain/controls.js';
import type { Actor, BusinessLineScope, Role } from '../../src/domain/permissions.js';
import type { BusinessLine, ControlKind, Department } from '../../src/domain/vocabulary.js';
import { createUser } from '../../src/db/users.js';
import type { Services } from './services.js';
import { WAIT_TIMEOUT_MS } from './waiting.js';

/** A fresh account id per test, so tests never see each other's controls or cases. */
export function newAccountId(): string {
  return `acct-${randomUUID().slice(0, 12)}`;
}

export async function makeUser(
  services: Services,
  roles: Role[],
  options: { businessLines?: BusinessLineScope[]; departments?: Department[]; name?: string } = {},
): Promise<Actor> {
  return createUser(services.database.db, {
    name: options.name ?? roles.join('+'),
    roles,
    businessLines: options.businessLines ?? ['*'],
    departments: options.departments ?? [],
  });
}

export interface Cast {
  agent: Actor;
  agent2: Actor;
  checker: Actor;
  checker2: Actor;
  senior: Actor;
  compliance: Actor;
  security: Actor;
  reverter: Actor;
  riskEngine: Actor;
}

export async function makeCast(services: Services): Promise<Cast> {
  return {
    agent: await makeUser(services, ['agent']),
    agent2: await makeUser(services, ['agent']),
    checker: await makeUser(services, ['checker']),
    checker2: await makeUser(services, ['checker']),
    senior: await makeUser(services, ['checker', 'senior']),
    compliance: await makeUser(services, ['compliance']),
    security: await makeUser(services, ['department'], { departments: ['security'] }),
    reverter: await makeUser(services, ['senior']),
    riskEngine: await makeUser(services, ['risk_engine']),
  };
}

export async function applyControl(
  services: Services,
  accountId: string,
  kind: ControlKind,
  options: Pick<ApplyControl, 'source' | 'externalRef'> & {
    reason?: string;
    businessLine?: BusinessLine;
  } = {},
): Promise<Control> {
  return services.registry.apply({
    idempotencyKey: randomUUID(),
    accountId,
    kind,
    businessLine: options.businessLine ?? 'spot',
    reason: options.reason ?? 'routine review',
    source: options.source,
    externalRef: options.externalRef,
    actor: 'test',
  });
}

export function caseInput(accountId: string, overrides: Partial<CreateCaseInput> = {}): CreateCaseInput {
  return {
    type: 'unfreeze',
    accountId,
    businessLine: 'spot',
    channel: 'email',
    subject: 'Please lift the restriction on my account',
    description: 'The user verified their identity on a video call.',
    ...overrides,
  };
}

export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = WAIT_TIMEOUT_MS, intervalMs = 200, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 2_000)}`);
}

export function untilStatus(
  services: Services,
  caseId: string,
  status: Case['status'],
  timeoutMs = WAIT_TIMEOUT_MS,
) {
  return eventually(
    () => services.cases.read(caseId),
    (c) => c.status === status,
    { timeoutMs, what: `case ${caseId} to be ${status}` },
  );
}

/** Opens a case on fresh controls, claims it and proposes lifting them all; returns the pending proposal. */
export async function caseAwaitingApproval(
  services: Services,
  maker: Actor,
  controls: Control[],
  overrides: Partial<CreateCaseInput> = {},
): Promise<{ caseId: string; proposalId: string; created: Case }> {
  const accountId = controls[0]?.accountId ?? newAccountId();
  const created = await services.cases.create(
    maker,
    caseInput(accountId, { controlIds: controls.map((c) => c.id), ...overrides }),
  );
  await services.cases.act(maker, created.id, 'claim', {});
  const proposed = await services.cases.act(maker, created.id, 'propose', {
    controlIds: controls.map((c) => c.id),
    reasonCode: 'verified_owner',
    justification: 'The owner proved control of the account.',
  });
  const proposal = proposed.proposals.at(-1);
  if (!proposal) throw new Error('no proposal');
  return { caseId: created.id, proposalId: proposal.id, created };
}

/** Runs a promise expected to be refused and returns the refusal's code. */
export async function refusalCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal, but the action was accepted');
}

export async function liftEvents(services: Services, controlId: string): Promise<number> {
  const rows = await services.database.db
    .select()
    .from(controlEvents)
    .where(and(eq(controlEvents.controlId, controlId), eq(controlEvents.action, 'lifted')));
  return rows.length;
}

/** An approved unbind waits for the user's re-verification; someone other than the maker records it passed. */
export async function passReverification(services: Services, recorder: Actor, caseId: string): Promise<Case> {
  await eventually(
    () => services.cases.read(caseId),
    (c) => c.reverifications.some((r) => r.status === 'pending'),
    { what: `a pending re-verification on ${caseId}` },
  );
  return services.cases.act(recorder, caseId, 'recordReverification', {
    outcome: 'passed',
    method: 'video_call',
  });
}
