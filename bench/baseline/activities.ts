/** The bare workflow's activities: dualkey's names, doing nothing, so only Temporal's share is measured. */
export function createBareActivities() {
  return {
    async readControls(_ids: string[]): Promise<void> {},
    async checkControlsUnchanged(_ids: string[]): Promise<void> {},
    async liftControls(_key: string): Promise<void> {},
    async notify(_kind: string): Promise<void> {},
    async recordProgress(_record: { status: string; events: number }): Promise<void> {},
  };
}

export type BareActivities = ReturnType<typeof createBareActivities>;
