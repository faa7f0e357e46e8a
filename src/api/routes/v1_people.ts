import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import type { Person as StoredPerson } from '../../db/users.js';
import { listPeople } from '../../db/users.js';
import type { AppEnv } from '../context.js';
import { problems } from '../errors.js';
import { jsonContent } from '../schemas.js';
import { caseRead, guardedRoute } from './guarded.js';

const Person = z
  .object({
    id: z.string(),
    displayName: z.string(),
    enabled: z.boolean().describe('false once the user is disabled; their old actions still name them'),
  })
  .meta({ id: 'Person' });

const People = z.object({ people: z.array(Person) }).meta({ id: 'People' });

const toPerson = ({ id, displayName, enabled }: StoredPerson): z.infer<typeof Person> => ({
  id,
  displayName,
  enabled,
});

export function register(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    guardedRoute({
      method: 'get',
      path: '/v1/people',
      operationId: 'listPeople',
      summary: 'Names of people',
      description:
        'Every user’s id and display name, disabled users included, so that whoever appears on a case (assignee, maker, approvals, timeline) can be shown by name.',
      tags: ['identity'],
      permission: 'case.read',
      responses: { 200: jsonContent(People, 'every user, by name'), ...problems(401, 403, 429, 503) },
    }),
    async (c) => c.json({ people: (await listPeople(c.get('deps').db)).map(toPerson) }, 200),
  );

  app.openapi(
    caseRead({
      path: '/assignees',
      operationId: 'listAssignees',
      summary: 'Who may take a case',
      description:
        'The enabled users who review cases (case.review) in the case’s business line: the people `assignCase` accepts.',
      permission: 'case.read',
      answer: jsonContent(People, 'the people the case can be assigned to'),
    }),
    async (c) => {
      const { caseId } = c.req.valid('param');
      const people = await c.get('deps').cases.assignees(c.get('actor'), caseId);
      return c.json({ people: people.map(toPerson) }, 200);
    },
  );
}
