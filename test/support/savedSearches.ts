import { readFileSync } from 'node:fs';

/** The saved searches exactly as docs/operations.md prints them: what each row says, and its filter. */
export function documentedSearches(): Map<string, string> {
  const text = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('## Saved searches'));
  const table = section.slice(section.indexOf('| what'), section.indexOf('\n\n', section.indexOf('| what')));
  const rows = table.split('\n').slice(2);
  return new Map(
    rows.map((row) => {
      const [what = '', filter = ''] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim());
      return [what, /`([^`]+)`/.exec(filter)?.[1] ?? ''];
    }),
  );
}
