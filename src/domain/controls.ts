import type { Control } from './schemas/controls.js';
import type { BusinessLine, ControlKind, ControlSource, Department } from './vocabulary.js';

export type { Control } from './schemas/controls.js';

/**
 * Who owns a control that says nothing about it: snapshots recorded before ownership existed, and account
 * services that do not send it yet, carry neither field, and such a control was put on by a review.
 */
export const controlOwnerDefaults = { source: 'manual_review', externalRef: null } as const satisfies {
  source: ControlSource;
  externalRef: string | null;
};

/** A control as stored or sent by older code, its owner filled in from `controlOwnerDefaults`. */
export function withOwner(control: Omit<Control, 'source' | 'externalRef'> & Partial<Control>): Control {
  return {
    ...control,
    source: control.source ?? controlOwnerDefaults.source,
    externalRef: control.externalRef ?? controlOwnerDefaults.externalRef,
  };
}

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
  source?: ControlSource | undefined;
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

/**
 * How to reach an account's owner, asked of the account service each time a message goes out, so dualkey
 * keeps no user's address. `email` is null when the owner has none on file.
 */
export interface AccountContact {
  email: string | null;
}

export interface AccountContacts {
  contact(accountId: string): Promise<AccountContact>;
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
const ownerDepartments: Partial<Record<ControlSource, Department>> = {
  compliance: 'compliance',
  law_enforcement: 'legal',
  security_incident: 'security',
};

/** The departments owning any of these controls, each once. */
export function ownerDepartmentsOf(controls: readonly Pick<Control, 'source'>[]): Department[] {
  return [...new Set(controls.flatMap((c) => ownerDepartments[c.source] ?? []))];
}
