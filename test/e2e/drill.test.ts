import { describe, expect, inject, it } from 'vitest';
import { runDrill } from '../../scripts/drill/drill.js';

/*
 * The fault drill of `npm run drill`, small: its own dev server and PostgreSQL (it kills and stops them),
 * two API and two worker processes, a few cases and a campaign of 150 accounts, every kind of fault once
 * or twice, a short outage. The campaign lifts 4 accounts a second (not the default 20), so its batches
 * last long enough for a worker kill, the dev server's and PostgreSQL's outages to fall inside them.
 * It took 165–185 s on a 2-core machine at a load average of 20–28; its bound leaves room for worse.
 */
describe('fault drill (short)', () => {
  it('keeps every case, lift, campaign lift and audit chain through worker, dev server, PostgreSQL, API, SMTP and webhook faults', async () => {
    const report = await runDrill({
      cases: 6,
      staggerMs: 2_000,
      workerKills: 2,
      outageMs: 4_000,
      faultGapMs: 3_000,
      caseLimitMs: 100_000,
      campaign: { accounts: 150, liftsPerSecond: 4 },
      cacheDir: inject('cacheDir'),
      log: () => undefined,
    });
    expect(report.failures).toEqual([]);
    expect(report.figures).toMatchObject({
      cases: 6,
      lifted: 5,
      reverted: 1,
      'audit chains verified': 6,
      'worker SIGKILLs': 2,
      'dev server kills': 1,
      'API replica kills': 1,
      'unexpected process exits': 0,
      'notifications lost': 0,
      'SMTP outages': 1,
      'campaign accounts': 150,
      'campaign accounts lifted twice': 0,
      'campaign accounts lost': 0,
      'campaign lifts in the ledger exactly once': 150,
      'campaign lifts on its chain': 150,
    });
    for (const fault of ['worker kills', 'dev server kills', 'PostgreSQL outages']) {
      expect(report.figures[`campaign ${fault} during batches`], fault).toBeGreaterThanOrEqual(1);
    }
    expect(report.figures['notifications queued (mail + webhook)']).toBeGreaterThan(0);
    // Three actions a lifted case, four a reverted one. In so short a drill the other faults may be in
    // reach of every action that a kill is.
    expect(report.figures['actions, p50 / p99 / max']).toMatch(/^\d+ \/ \d+ \/ \d+ ms \(19\)$/);
    expect(report.figures['actions across worker kills, p50 / p99 / max']).toMatch(
      /^(\d+ \/ \d+ \/ \d+ ms \(\d+\)|none)$/,
    );
  }, 400_000);
});
