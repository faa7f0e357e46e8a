/**
 * What each part of the benchmark hands back to `bench/run.ts`: free-form figures (printed as JSON) and
 * checks against their goals (printed as one `ok`/`MISS` line each, the exit code failing on any miss).
 */
export interface Check {
  name: string;
  value: number;
  goal: string;
  ok: boolean;
}

export interface SectionResult {
  figures: Record<string, unknown>;
  checks: Check[];
}

export function check(name: string, value: number, goal: `<= ${number}` | `>= ${number}`): Check {
  const limit = Number(goal.slice(3));
  return { name, value, goal, ok: goal.startsWith('<=') ? value <= limit : value >= limit };
}

export function checkLine({ name, value, goal, ok }: Check): string {
  return `${ok ? 'ok  ' : 'MISS'} ${name.padEnd(52)} ${value.toFixed(2).padStart(9)}   goal ${goal}`;
}

/** Prints every section's figures, then one table of all their checks; true when every check passed. */
export function report(sections: Record<string, SectionResult>): boolean {
  const figures = Object.fromEntries(Object.entries(sections).map(([name, s]) => [name, s.figures]));
  console.log(JSON.stringify(figures, null, 2));
  const checks = Object.values(sections).flatMap((s) => s.checks);
  for (const c of checks) console.log(checkLine(c));
  return checks.every((c) => c.ok);
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
