import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const scanned = ['src', 'activities', 'workflows'];

/** The directory a file belongs to: `src/<dir>`, a top-level folder, or `src` for its own root files. */
function unitOf(file: string): string {
  const [top, second, ...rest] = relative(root, file).split(sep);
  return top === 'src' && rest.length > 0 && second ? `src/${second}` : (top ?? '');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Directory-level edges, each with one file import that makes it, type-only imports included. */
function directoryEdges(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of scanned.flatMap((dir) => sourceFiles(join(root, dir)))) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const from = unitOf(file);
      const to = unitOf(resolve(dirname(file), fileName));
      if (from === to || !scanned.some((dir) => to === dir || to.startsWith(`${dir}/`))) continue;
      const targets = edges.get(from) ?? new Map<string, string>();
      if (!targets.has(to)) targets.set(to, `${relative(root, file)} → ${fileName}`);
      edges.set(from, targets);
    }
  }
  return edges;
}

/** Strongly connected components with more than one directory (Tarjan). */
function cycles(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) ?? 0);
    stack.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
      } else if (stack.includes(next)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member !== undefined) component.push(member);
    } while (member !== undefined && member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph between directories', () => {
  const edges = directoryEdges();

  it('has no cycle among src/*, activities and workflows', () => {
    const explained = cycles(edges).map((component) =>
      component.flatMap((from) =>
        [...(edges.get(from) ?? [])]
          .filter(([to]) => component.includes(to))
          .map(([to, example]) => `${from} → ${to} (${example})`),
      ),
    );
    expect(explained).toEqual([]);
  });

  it('sees the edges it guards', () => {
    expect(edges.get('src/api')?.has('src/domain')).toBe(true);
    expect(edges.get('workflows')?.has('src/domain')).toBe(true);
  });

  it('finds a cycle when one is there', () => {
    const looped = new Map([
      ['src/db', new Map([['src/runtime', 'a']])],
      ['src/runtime', new Map([['src/db', 'b']])],
    ]);
    expect(cycles(looped)).toEqual([['src/db', 'src/runtime']]);
  });
});
