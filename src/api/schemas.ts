import { z } from '@hono/zod-openapi';
import { EntityId } from '../domain/actions.js';
import { Case } from '../domain/case.js';
import { Control } from '../domain/controls.js';
import type { ApiSettings } from './context.js';

export const ApiCase = Case.extend({
  links: z.object({
    temporalUi: z.string().nullable().describe('this case’s workflow run in the Temporal Web UI'),
  }),
}).meta({ id: 'Case' });
export type ApiCase = z.infer<typeof ApiCase>;

export const ApiControl = Control.meta({ id: 'Control' });

export function toApiCase(c: Case, settings: Pick<ApiSettings, 'temporalUiUrl' | 'namespace'>): ApiCase {
  const temporalUi = settings.temporalUiUrl
    ? `${settings.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(c.workflowId)}`
    : null;
  return { ...c, links: { temporalUi } };
}

const pathId = (name: string) =>
  EntityId.meta({
    param: { name, in: 'path' },
    example: name === 'caseId' ? 'UNF-20261124-K7M2QX' : undefined,
  });

export const CaseParams = z.object({ caseId: pathId('caseId') });
export const ProposalParams = z.object({ caseId: pathId('caseId'), proposalId: pathId('proposalId') });
export const EscalationParams = z.object({ caseId: pathId('caseId'), escalationId: pathId('escalationId') });

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const bearer = [{ bearer: [] }];
