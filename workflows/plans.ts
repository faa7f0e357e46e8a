import type { CasePlan } from './case.js';
import { reverifyUser } from './steps/reverification.js';

/** Each workflow type's plan; the replay suite checks that a recorded history shows every step of each. */
export const plans = {
  complaintCase: { beforeLift: [] },
  unfreezeCase: { beforeLift: [] },
  unbindCase: { beforeLift: [reverifyUser] },
} satisfies Record<string, CasePlan>;
