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
  lift(input: {
    idempotencyKey: string;
    controls: readonly ControlRef[];
    actor: string;
    caseId: string;
  }): Promise<ControlSnapshot[]>;
  /** Puts each snapshot back to active. Safe to call again with the same key. */
  reapply(input: {
    idempotencyKey: string;
    snapshots: readonly ControlSnapshot[];
    actor: string;
    caseId: string;
  }): Promise<Control[]>;
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
