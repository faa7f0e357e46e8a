import { z } from 'zod';
import type { ControlSource as ControlSourceType, Department } from './vocabulary.js';
import { BusinessLine, ControlCategory, ControlKind, ControlSource, ControlStatus } from './vocabulary.js';

export const Control = z.object({
  id: z.string(),
  accountId: z.string(),
  category: ControlCategory,
  kind: ControlKind,
  businessLine: BusinessLine,
  status: ControlStatus,
  reason: z.string(),
  version: z.number().int().positive(),
  // Defaults, because snapshots recorded before ownership existed, and account services that do not
  // send them yet, carry neither: such a control was put on by a review.
  source: ControlSource.default('manual_review').describe(
    'who put the control on, and so who owns lifting it',
  ),
  externalRef: z
    .string()
    .nullable()
    .default(null)
    .describe('the owner’s reference: a rule id, a legal order number'),
});
export type Control = z.infer<typeof Control>;

/** What a lift removed, exactly as it was, so compensation can put back that and nothing else. */
export type ControlSnapshot = Control;

export interface ControlRef {
  id: string;
  version: number;
}

export interface ControlChange {
  id: string;
  expectedVersion: number;
  actual: { status: Control['status']; version: number } | null;
}

export interface ApplyControl {
  /** Makes a retried apply a no-op: the same key returns the control the first call created. */
  idempotencyKey: string;
  accountId: string;
  kind: ControlKind;
  businessLine: BusinessLine;
  reason: string;
  source?: ControlSourceType | undefined;
  externalRef?: string | undefined;
  actor: string;
  caseId?: string | undefined;
}

/** A change to several controls at once, all or none, on a case's behalf and under one idempotency key. */
interface ControlsChange {
  idempotencyKey: string;
  actor: string;
  caseId: string;
}

export interface LiftControls extends ControlsChange {
  controls: readonly ControlRef[];
}

export interface ReapplyControls extends ControlsChange {
  snapshots: readonly ControlSnapshot[];
}

/**
 * The account-controls registry as the engine sees it. Two adapters: PostgreSQL (the default registry)
 * and HTTP (an existing account service). Every mutating call is idempotent by key.
 */
export interface AccountControls {
  list(accountId: string): Promise<Control[]>;
  get(ids: readonly string[]): Promise<Control[]>;
  /** Controls whose status or version differ from what the caller saw. Empty means unchanged. */
  changedSince(refs: readonly ControlRef[]): Promise<ControlChange[]>;
  /** The category follows from the kind. */
  apply(input: ApplyControl): Promise<Control>;
  /** Lifts all or none; refuses with `controls_changed` if any control is not active at its expected version. */
  lift(input: LiftControls): Promise<ControlSnapshot[]>;
  /** Puts each snapshot back to active. Safe to call again with the same key. */
  reapply(input: ReapplyControls): Promise<Control[]>;
}

/** Which of `refs` are no longer active at the version the caller saw, judged by the controls as they are now. */
export function changesSince(
  refs: readonly ControlRef[],
  current: ReadonlyMap<string, Pick<Control, 'status' | 'version'>>,
): ControlChange[] {
  return refs.flatMap((ref) => {
    const control = current.get(ref.id);
    if (control && control.status === 'active' && control.version === ref.version) return [];
    return [
      {
        id: ref.id,
        expectedVersion: ref.version,
        actual: control ? { status: control.status, version: control.version } : null,
      },
    ];
  });
}

/** `changedSince` for a registry that can read controls by id: the same rule for every adapter. */
export async function changedSince(
  registry: Pick<AccountControls, 'get'>,
  refs: readonly ControlRef[],
): Promise<ControlChange[]> {
  const current = await registry.get(refs.map((r) => r.id));
  return changesSince(refs, new Map(current.map((c) => [c.id, c])));
}

/** The department that owns a control put on by someone outside risk operations; told of its lift or revert. */
const ownerDepartments: Partial<Record<ControlSourceType, Department>> = {
  compliance: 'compliance',
  law_enforcement: 'legal',
  security_incident: 'security',
};

/** The departments owning any of these controls, each once. */
export function ownerDepartmentsOf(controls: readonly Pick<Control, 'source'>[]): Department[] {
  return [...new Set(controls.flatMap((c) => ownerDepartments[c.source] ?? []))];
}
