import { useQuery } from '@tanstack/react-query';
import type { paths } from './generated/api';
import type { Case } from './api';
import { api, unwrap } from './api';

export type CaseQuery = NonNullable<paths['/v1/cases']['get']['parameters']['query']>;
export type ReportQuery = paths['/v1/reports/operations']['get']['parameters']['query'];

/** Follows nextCursor so a queue shows every matching case, up to a bound that keeps the page quick. */
async function listCases(query: CaseQuery, max: number): Promise<Case[]> {
  const items: Case[] = [];
  let cursor: string | undefined;
  do {
    const page = unwrap(
      await api.GET('/v1/cases', {
        params: { query: { ...query, limit: 200, ...(cursor ? { cursor } : {}) } },
      }),
    );
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return items;
}

export const useMe = () =>
  useQuery({ queryKey: ['me'], queryFn: async () => unwrap(await api.GET('/v1/me')), staleTime: 60_000 });

/**
 * A case list's cache key: ['cases', query, max]. The live feed patches the one case that changed into
 * every such list instead of refetching them (see live.ts).
 */
export const useCases = (query: CaseQuery, max = 1_000) =>
  useQuery({ queryKey: ['cases', query, max], queryFn: () => listCases(query, max) });

/** An account's cases, newest first, with their lifts and reverts. */
export const useAccountCases = (accountId: string | undefined) =>
  useQuery({
    queryKey: ['account-cases', accountId],
    enabled: accountId !== undefined,
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/accounts/{accountId}/cases', {
          params: { path: { accountId: accountId ?? '' }, query: { limit: 50 } },
        }),
      ),
  });

export const useReasonCodes = () =>
  useQuery({
    queryKey: ['reason-codes'],
    queryFn: async () => unwrap(await api.GET('/v1/policy/reason-codes')),
    staleTime: 5 * 60_000,
  });

/**
 * What /readyz says of Temporal, PostgreSQL and the workers. It answers 503 with the same body when
 * something is down, which is exactly what this wants to read.
 */
export const useReadiness = () =>
  useQuery({
    queryKey: ['readiness'],
    queryFn: async () => {
      const answer = await api.GET('/readyz');
      const body = answer.data ?? answer.error;
      if (!body) throw new Error(`readiness answered ${answer.response.status}`);
      return body;
    },
    refetchInterval: 15_000,
    staleTime: 10_000,
  });

export const useCase = (caseId: string) =>
  useQuery({
    queryKey: ['case', caseId],
    queryFn: async () => unwrap(await api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } })),
  });

/**
 * The live feed tells of case changes, not of deliveries: while a notification is still on its way the
 * timeline is read again now and then, so it shows the delivery arrive or fail.
 */
export const useTimeline = (caseId: string) =>
  useQuery({
    queryKey: ['case', caseId, 'events'],
    queryFn: async () => unwrap(await api.GET('/v1/cases/{caseId}/events', { params: { path: { caseId } } })),
    refetchInterval: (query) =>
      query.state.data?.deliveries.some((d) => d.state === 'queued' || d.state === 'failing') ? 5_000 : false,
  });

export const useAccountControls = (accountId: string | undefined) =>
  useQuery({
    queryKey: ['controls', accountId],
    enabled: accountId !== undefined,
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/accounts/{accountId}/controls', {
          params: { path: { accountId: accountId ?? '' } },
        }),
      ),
  });

export const useAuthConfig = () =>
  useQuery({
    queryKey: ['auth-config'],
    queryFn: async () => unwrap(await api.GET('/auth/config')),
    staleTime: Infinity,
  });

export const useUsers = () =>
  useQuery({ queryKey: ['users'], queryFn: async () => unwrap(await api.GET('/v1/admin/users')) });

export const usePendingGrants = () =>
  useQuery({
    queryKey: ['grants', 'pending'],
    queryFn: async () =>
      unwrap(await api.GET('/v1/admin/grants', { params: { query: { status: 'pending' } } })),
  });

export type DeliveryList =
  paths['/v1/admin/notifications']['get']['responses']['200']['content']['application/json'];

/** The outbox's deliveries in one state, newest first, following nextCursor up to a bound. */
export const useTroubledDeliveries = (state: 'failing' | 'given_up', max = 1_000) =>
  useQuery({
    queryKey: ['outbox', state],
    queryFn: async () => {
      const items: DeliveryList['items'] = [];
      let cursor: string | undefined;
      do {
        const page = unwrap(
          await api.GET('/v1/admin/notifications', {
            params: { query: { state, limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        );
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && items.length < max);
      return items;
    },
    refetchInterval: 10_000,
  });

export const useDemoUsers = () =>
  useQuery({ queryKey: ['demo-users'], queryFn: async () => unwrap(await api.GET('/demo-users')) });

export const useReport = (query: ReportQuery) =>
  useQuery({
    queryKey: ['report', query],
    queryFn: async () => unwrap(await api.GET('/v1/reports/operations', { params: { query } })),
  });

export const useFourEyesReport = (query: ReportQuery) =>
  useQuery({
    queryKey: ['four-eyes-report', query],
    queryFn: async () => unwrap(await api.GET('/v1/reports/four-eyes', { params: { query } })),
  });

export const useWorkloadReport = (businessLine: ReportQuery['businessLine']) =>
  useQuery({
    queryKey: ['workload-report', businessLine],
    queryFn: async () =>
      unwrap(
        await api.GET('/v1/reports/workload', {
          params: { query: businessLine ? { businessLine } : {} },
        }),
      ),
    refetchInterval: 30_000,
  });

export const useLiftTerms = () =>
  useQuery({
    queryKey: ['lift-terms'],
    queryFn: async () => unwrap(await api.GET('/v1/policy/lift-terms')),
    staleTime: Infinity,
  });
