import { expect } from 'vitest';
import type { PolicyOverride } from '../../src/domain/policy.js';
import type { ApiHarness } from './api.js';

type User = Awaited<ReturnType<ApiHarness['user']>>;

/** Who a campaign needs: its maker, the quorum of a senior and compliance, a sample checker, the risk engine. */
export interface CampaignPeople {
  maker: User;
  senior: User;
  compliance: User;
  checker: User;
  riskEngine: User;
}

/**
 * A policy for campaigns of a few accounts: a sample of two, a canary of one, a revert window and signal
 * look-back of an hour, and the pace and waits each test chooses.
 */
export function campaignPolicy(campaigns: {
  soak: string;
  liftsPerSecond: number;
  monitoringWindow: string;
  historyLimit?: number;
}): PolicyOverride {
  return {
    revert: { window: '1h' },
    campaigns: {
      sample: { minimum: 2 },
      canary: { share: 0.01, minimum: 1 },
      signalLookBack: '1h',
      ...campaigns,
    },
  };
}

/**
 * Makes the people of a campaign. Given a suffix, they get people's names ending in it (the console shows
 * names, and test files share one database).
 */
export async function campaignPeople(api: ApiHarness, suffix?: string): Promise<CampaignPeople> {
  const named = (name: string) => (suffix ? { name: `${name} ${suffix}` } : {});
  return {
    maker: await api.user(['senior'], named('Mara Quist')),
    senior: await api.user(['senior'], named('Oren Vale')),
    compliance: await api.user(['compliance'], named('Lena Hart')),
    checker: await api.user(['checker'], named('Ines Okafor')),
    riskEngine: await api.user(['risk_engine']),
  };
}

/** The campaign steps the tests take through the API, as these people. */
export function campaignSteps(api: ApiHarness, people: CampaignPeople) {
  return {
    /** Freezes an account as the misfiring rule 417 does; `extra` changes the control (another source, say). */
    async freeze(
      accountId: string,
      extra: Record<string, unknown> = {},
    ): Promise<{ id: string; version: number }> {
      const applied = await api.call('POST', `/v1/accounts/${accountId}/controls`, {
        token: people.riskEngine.token,
        body: {
          category: 'restriction',
          kind: 'account_freeze',
          businessLine: 'spot',
          reason: 'rule 417 fired',
          source: 'risk_rule',
          externalRef: 'rule-417',
          ...extra,
        },
      });
      expect(applied.status, JSON.stringify(applied.body)).toBe(201);
      return applied.body as { id: string; version: number };
    },

    /** The maker proposes lifting these accounts' freezes. */
    async propose<T>(accountIds: string[]): Promise<T> {
      const created = await api.call('POST', '/v1/campaigns', {
        token: people.maker.token,
        body: {
          selector: { accountIds, kinds: ['account_freeze'] },
          reasonCode: 'false_positive',
          justification: 'Rule 417 froze legitimate accounts after a threshold misconfiguration.',
          evidence: [{ kind: 'device_check', ref: 'INC-2291' }],
        },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as unknown as T;
    },

    async read<T>(campaignId: string): Promise<T> {
      const got = await api.call('GET', `/v1/campaigns/${campaignId}`, { token: people.compliance.token });
      expect(got.status, JSON.stringify(got.body)).toBe(200);
      return got.body as unknown as T;
    },

    /** The senior's and compliance's approvals. */
    async approveAll(campaignId: string): Promise<void> {
      for (const user of [people.senior, people.compliance]) {
        const approved = await api.call('POST', `/v1/campaigns/${campaignId}/approve`, {
          token: user.token,
          body: {},
        });
        expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      }
    },

    /** The checker checks the sample in order; a rejection is the last check, as it halts the campaign. */
    async checkSample(campaignId: string, sample: string[], decision = 'approved'): Promise<void> {
      for (const accountId of sample) {
        const checked = await api.call('POST', `/v1/campaigns/${campaignId}/sample/${accountId}`, {
          token: people.checker.token,
          body: { decision, comment: 'Looked at the account: the freeze came from rule 417 alone.' },
        });
        expect(checked.status, JSON.stringify(checked.body)).toBe(200);
        if (decision === 'rejected') return;
      }
    },
  };
}
