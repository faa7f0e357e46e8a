import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { businessLineValues as businessLines } from './generated/api';
import { Link } from './Link';
import type { ReportQuery } from './queries';
import { useMe } from './queries';

const periods = { '7': 'Last 7 days', '30': 'Last 30 days', '90': 'Last 90 days' } as const;
type Period = keyof typeof periods;

/**
 * The period and business line every report is read over, and the form that picks them; a report of work
 * open now (`period: false`) has no period to pick.
 */
export function useReportWindow(options: { period?: boolean } = {}): { query: ReportQuery; form: ReactNode } {
  const me = useMe();
  const [period, setPeriod] = useState<Period>('30');
  const scopes = me.data?.businessLines ?? [];
  const everything = scopes.includes('*');
  // A report across all lines needs the * scope; anyone else picks one of their own lines.
  const choices = businessLines.filter((l) => everything || scopes.some((s) => s === l));
  const [line, setLine] = useState<ReportQuery['businessLine'] | ''>('');
  const businessLine = line || (everything ? undefined : choices[0]);
  const range = useMemo(() => {
    const to = new Date(Date.now() + 60_000);
    return { from: new Date(to.getTime() - Number(period) * 86_400_000).toISOString(), to: to.toISOString() };
  }, [period]);
  const query = { ...range, ...(businessLine ? { businessLine } : {}) };
  const form = (
    <form className="filters" aria-label="Report period" onSubmit={(e) => e.preventDefault()}>
      {options.period === false ? null : (
        <div className="field">
          <label htmlFor="r-period">Period</label>
          <select id="r-period" value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            {Object.entries(periods).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="r-line">Business line</label>
        <select
          id="r-line"
          value={businessLine ?? ''}
          onChange={(e) => setLine(choices.find((l) => l === e.target.value) ?? '')}
        >
          {everything ? <option value="">All business lines</option> : null}
          {choices.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
  return { query, form };
}

/** The reports, one link each: every report page starts with them. */
export function ReportTabs() {
  return (
    <nav aria-label="Reports" className="report-tabs">
      <ul>
        <li>
          <Link to="/reports">Operations</Link>
        </li>
        <li>
          <Link to="/reports/four-eyes">Four eyes</Link>
        </li>
        <li>
          <Link to="/reports/workload">Workload</Link>
        </li>
      </ul>
    </nav>
  );
}
