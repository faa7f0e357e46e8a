import { useId, useMemo, useState } from 'react';
import { duration, words } from '../format';
import { businessLineValues as businessLines } from '../generated/api';
import type { ReportQuery } from '../queries';
import { useMe, useReport } from '../queries';
import { useTitle } from '../title';
import { QueryState } from './QueryState';

interface Bar {
  label: string;
  value: number;
  text?: string;
}

/** A horizontal bar chart drawn inline as SVG; the figures are also in its accessible description. */
function BarChart(props: { title: string; bars: Bar[]; max?: number }) {
  const id = useId();
  const max = props.max ?? Math.max(1, ...props.bars.map((b) => b.value));
  const row = 28;
  const labelWidth = 220;
  const width = 640;
  const height = Math.max(row, props.bars.length * row);
  return (
    <figure className="chart">
      <figcaption id={`${id}-t`}>{props.title}</figcaption>
      {props.bars.length === 0 ? (
        <p className="hint">Nothing in this period.</p>
      ) : (
        <svg
          role="img"
          aria-labelledby={`${id}-t`}
          aria-describedby={`${id}-d`}
          viewBox={`0 0 ${width} ${height}`}
          width="100%"
        >
          <desc id={`${id}-d`}>{props.bars.map((b) => `${b.label}: ${b.text ?? b.value}`).join('; ')}</desc>
          {props.bars.map((bar, index) => {
            const barWidth = ((width - labelWidth - 80) * bar.value) / max;
            const y = index * row;
            return (
              <g key={bar.label}>
                <text x={labelWidth - 8} y={y + 18} textAnchor="end" className="chart-label">
                  {bar.label}
                </text>
                <rect x={labelWidth} y={y + 5} width={Math.max(barWidth, 1)} height={row - 10} rx="2" />
                <text x={labelWidth + barWidth + 6} y={y + 18} className="chart-value">
                  {bar.text ?? bar.value}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

const periods = { '7': 'Last 7 days', '30': 'Last 30 days', '90': 'Last 90 days' } as const;
type Period = keyof typeof periods;

const seconds = (value: number | null) => (value === null ? '—' : duration(value * 1_000));

export function ReportsPage() {
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
  const report = useReport({
    ...range,
    ...(businessLine ? { businessLine } : {}),
  });
  const data = report.data;
  useTitle('Reports');
  return (
    <>
      <h1 tabIndex={-1}>Reports</h1>
      <p className="lede">The operations report, for leads and auditors.</p>
      <form className="filters" aria-label="Report period" onSubmit={(e) => e.preventDefault()}>
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
      <QueryState query={report}>
        {data ? (
          <div className="charts">
            <dl className="figures">
              <div>
                <dt>Lifts</dt>
                <dd>{data.lifts}</dd>
              </div>
              <div>
                <dt>Reverts</dt>
                <dd>{data.reverts}</dd>
              </div>
              <div>
                <dt>Wrong-unfreeze rate</dt>
                <dd>{data.revertRate === null ? '—' : `${(data.revertRate * 100).toFixed(1)} %`}</dd>
              </div>
              <div>
                <dt>Time to first claim (median / p90)</dt>
                <dd>
                  {seconds(data.timeToFirstClaim.medianSeconds)} / {seconds(data.timeToFirstClaim.p90Seconds)}
                </dd>
              </div>
              <div>
                <dt>Time to close (median / p90)</dt>
                <dd>
                  {seconds(data.timeToClose.medianSeconds)} / {seconds(data.timeToClose.p90Seconds)}
                </dd>
              </div>
            </dl>
            <BarChart
              title="Cases opened, by type and business line"
              bars={data.opened.map((o) => ({ label: `${o.type} · ${o.businessLine}`, value: o.count }))}
            />
            <BarChart
              title="Cases closed, by type and outcome"
              bars={data.closed.map((o) => ({
                label: `${o.type} · ${words(o.outcome)} · ${o.businessLine}`,
                value: o.count,
              }))}
            />
            <BarChart
              title="Escalations that missed their SLA, by department"
              max={1}
              bars={data.slaBreachRate.map((d) => ({
                label: words(d.department),
                value: d.rate,
                text: `${(d.rate * 100).toFixed(0)} % (${d.breached} of ${d.escalations})`,
              }))}
            />
          </div>
        ) : null}
      </QueryState>
    </>
  );
}
