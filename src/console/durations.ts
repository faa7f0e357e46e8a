/* Durations in words. No imports: the unit tests load it outside the console's build. */
const units: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1_000, 's'],
];

/** "3 h 59 min", "12 min", "2 d": the two largest units that fit, so a deadline reads at a glance. */
export function duration(ms: number): string {
  const abs = Math.abs(ms);
  const first = units.findIndex(([size]) => abs >= size);
  const [size, unit] = units[first] ?? [];
  if (size === undefined) return '0 s';
  const whole = Math.floor(abs / size);
  const [nextSize, nextUnit] = units[first + 1] ?? [];
  const rest = nextSize === undefined ? 0 : Math.floor((abs - whole * size) / nextSize);
  return rest > 0 ? `${whole} ${unit} ${rest} ${nextUnit}` : `${whole} ${unit}`;
}

/** "in 12 min" or "overdue by 3 min", from now. */
export function timeLeft(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  return ms >= 0 ? `in ${duration(ms)}` : `overdue by ${duration(ms)}`;
}

/** "12 min ago", from now. */
export function ago(iso: string, now = Date.now()): string {
  return `${duration(now - Date.parse(iso))} ago`;
}
