import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { openApiDocument } from '../../src/api/app.js';
import { ApiCase } from '../../src/api/schemas.js';
import { actionNames } from '../../src/domain/caseActions.js';
import { notificationKinds } from '../../src/domain/notifications.js';
import { AllowedAction, publicActionNames } from '../../src/domain/schemas/caseActions.js';

/*
 * The lists in docs/ that name what the code declares, held to the code: each failure names what is
 * missing from the page or what the page names that the code no longer has.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const apiMd = read('docs/api.md');
const operationsMd = read('docs/operations.md');

/** The text of a section, from its heading to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const level = /^#+/.exec(heading)?.[0].length ?? 2;
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no "${heading}" section`);
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** Names in backticks in a stretch of text. */
const backticked = (text: string) => [...text.matchAll(/`(\w+)`/g)].map((m) => m[1]!);

/** What the page has that the code lacks, and the other way round, as one comparable value. */
function difference(documented: readonly string[], declared: readonly string[]) {
  return {
    'missing from the page': declared.filter((name) => !documented.includes(name)),
    'on the page, not in the code': documented.filter((name) => !declared.includes(name)),
  };
}
const none = { 'missing from the page': [], 'on the page, not in the code': [] };

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('docs/api.md', () => {
  type Operation = {
    operationId?: string;
    description?: string;
    requestBody?: { content: { [type: string]: { schema: { $ref?: string; properties?: object } } } };
  };
  const doc = openApiDocument('http://127.0.0.1') as unknown as {
    paths: { [path: string]: { [method: string]: Operation } };
    components: { schemas: { [name: string]: { properties?: object } } };
  };
  const operations = new Map<string, Operation>(
    Object.entries(doc.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as const),
    ),
  );
  const rows = [
    ...section(apiMd, '## Routes').matchAll(/^\| `(\w+)`\s*\| `([A-Z]+ \/[^`]*)`\s*\|([^|]*)\|(.*)\|$/gm),
  ].map((m) => ({ route: m[2]!, permission: m[3]!.trim(), body: m[4]!.trim() }));

  it('gives each route the permission the route declares', () => {
    expect(rows.length).toBeGreaterThan(25);
    const wrong = rows.flatMap(({ route, permission }) => {
      const declared = /Permission: `([\w.]+)`/.exec(operations.get(route)?.description ?? '')?.[1] ?? null;
      const documented = permission.startsWith('`') ? (/`([\w.]+)`/.exec(permission)?.[1] ?? null) : null;
      if (!operations.has(route)) return [];
      return documented === declared
        ? []
        : [`${route}: the page says ${permission}, the route needs ${declared ?? 'none'}`];
    });
    expect(wrong).toEqual([]);
  });

  it('names in each route’s body column exactly the fields its request body has', () => {
    let compared = 0;
    const wrong = rows.flatMap(({ route, body }) => {
      const schema = operations.get(route)?.requestBody?.content['application/json']?.schema;
      const resolved = schema?.$ref ? doc.components.schemas[schema.$ref.split('/').at(-1)!] : schema;
      const declared = Object.keys(resolved?.properties ?? {});
      const documented = topLevelFields(body.split('→')[0] ?? '');
      if (declared.length > 0) compared += 1;
      const diff = difference(documented, declared);
      return JSON.stringify(diff) === JSON.stringify(none) ? [] : [`${route}: ${JSON.stringify(diff)}`];
    });
    expect(wrong).toEqual([]);
    expect(compared).toBeGreaterThan(15);
  });

  it('lists every field of the Case object, marking with ? exactly the ones that may be null', () => {
    const table = section(apiMd, '### Case');
    const documented = [...table.matchAll(/^\| ([^|]+)\|/gm)]
      .flatMap((m) => [...m[1]!.matchAll(/`(\w+)`(\??)/g)])
      .map((m) => ({ name: m[1]!, optional: m[2] === '?' }));
    const shape = ApiCase.shape as Record<string, z.ZodType>;
    expect(
      difference(
        documented.map((f) => f.name),
        Object.keys(shape),
      ),
    ).toEqual(none);
    const marks = documented
      .filter((f) => shape[f.name] && f.optional !== shape[f.name]!.safeParse(null).success)
      .map((f) => `${f.name}${f.optional ? ' is marked ? but is never null' : ' may be null: mark it ?'}`);
    expect(marks).toEqual([]);
  });

  it('names every AllowedAction field and every action allowedActions reports', () => {
    const text = section(apiMd, '### AllowedAction');
    const fields = [...(/`\{([^`]*)\}`/.exec(text)?.[1] ?? '').matchAll(/"(\w+)"/g)].map((m) => m[1]!);
    expect(difference(fields, Object.keys(AllowedAction.shape))).toEqual(none);
    const names = backticked(/the action's name \(([^)]*)\)/.exec(text.replaceAll('\n', ' '))?.[1] ?? '');
    expect(difference(names, publicActionNames)).toEqual(none);
  });
});

describe('docs/operations.md', () => {
  it('names every notification kind the code declares', () => {
    const notifications = section(operationsMd, '## Notifications: e-mail, webhooks and the respond link');
    const text = /The kinds a case sends[^:]*:(.*?)\.\n\n/s.exec(notifications)?.[1] ?? '';
    const listed = [...text.matchAll(/`([\w.]+)`/g)].map((m) => m[1]!);
    expect(difference(listed, notificationKinds)).toEqual(none);
  });

  const history = section(operationsMd, '## Reading one case run').replaceAll('\n', ' ');

  it('names every update a case takes, as the action registry declares them', () => {
    const listed = backticked(/with the update's name:(.*?)\. Risk/.exec(history)?.[1] ?? '');
    expect(difference(listed, actionNames)).toEqual(none);
  });

  it('names every timer summary the workflows give', () => {
    const listed = backticked(
      /Timers carry a summary saying what they wait for:(.*?)\. A cancelled/.exec(history)?.[1] ?? '',
    );
    const declared = [
      ...new Set(
        sourceFiles('workflows').flatMap((file) =>
          [...read(file).matchAll(/summary: '(\w+)'/g)].map((m) => m[1]!),
        ),
      ),
    ];
    expect(declared.length).toBeGreaterThan(5);
    expect(difference(listed, declared)).toEqual(none);
  });
});

/** The field names of the first `{ … }` in a body cell: `{ name, roles[], departments[]? }` → name, roles, departments. */
function topLevelFields(cell: string): string[] {
  const start = cell.indexOf('{');
  if (start < 0) return [];
  const fields: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of cell.slice(start)) {
    if (char === '{' || char === '[' || char === '(') depth += 1;
    if (char === '}' || char === ']' || char === ')') depth -= 1;
    if (depth === 0) break;
    if (depth === 1 && char === ',') {
      fields.push(current);
      current = '';
    } else if (!(depth === 1 && char === '{')) current += char;
  }
  fields.push(current);
  return fields.map((f) => /^\s*(\w+)/.exec(f)?.[1]).filter((f): f is string => f !== undefined);
}
