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

/** A path parameter with an example shaped like the ids the API gives out. */
export const pathId = (name: string, example: string) =>
  EntityId.meta({ param: { name, in: 'path' }, examples: [example] });

const caseId = pathId('caseId', 'UNF-20261124-K7M2QX');
export const CaseParams = z.object({ caseId });
export const ProposalParams = z.object({ caseId, proposalId: pathId('proposalId', 'prop-1') });
export const EscalationParams = z.object({ caseId, escalationId: pathId('escalationId', 'esc-1') });

export const jsonBody = <T extends z.ZodType>(schema: T, required = true) => ({
  required,
  content: { 'application/json': { schema } },
});

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const bearer = [{ bearer: [] }];
