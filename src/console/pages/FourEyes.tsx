import { useEffect, useMemo, useState } from 'react';
import type { components } from '../generated/api';
import { BarChart } from '../charts';
import { duration } from '../format';
import { Person, usePersonName } from '../people';
import { useFourEyesReport } from '../queries';
import { ReportTabs, useReportWindow } from '../reportWindow';
import { Table } from '../Table';
import { useTitle } from '../title';
import { QueryState } from './QueryState';

type Report = components['schemas']['FourEyesReport'];

const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(0)} %`);
const seconds = (value: number | null) => (value === null ? '—' : duration(value * 1_000));
const points = (value: number | null) =>
  value === null ? '—' : `${value > 0 ? '+' : ''}${(value * 100).toFixed(0)} points`;

const csvColumns = [
  'row',
  'maker',
  'checker',
  'decisions',
  'approvals',
  'rejections',
  'approvalRate',
  'approvalRateVsTeam',
  'viewed',
  'unviewed',
  'medianSecondsFromView',
  'quickDecisions',
  'quickShare',
  'approvalsAfterReminder',
  'evidenceNeverOpened',
  'shareOfMaker',
] as const;

/** A CSV field: quoted when it holds a separator, a quote or a line break, as RFC 4180 says. */
function field(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The team, each checker and each pair as rows, people by name (ids in their own columns). */
function toCsv(report: Report, name: (id: string) => string): string {
  type Row = Partial<Record<(typeof csvColumns)[number], string | number | null>>;
  const rows: Row[] = [
    { row: 'team', ...report.team },
    ...report.checkers.map((c) => ({ ...c, row: 'checker', checker: `${name(c.checker)} (${c.checker})` })),
    ...report.pairs.map((p) => ({
      ...p,
      row: 'pair',
      maker: `${name(p.maker)} (${p.maker})`,
      checker: `${name(p.checker)} (${p.checker})`,
    })),
  ];
  return [csvColumns.join(','), ...rows.map((r) => csvColumns.map((c) => field(r[c])).join(','))].join(
    '\r\n',
  );
}

/** A link that downloads the report as it is shown; the file is made in the browser from the same data. */
function CsvDownload({ report }: { report: Report }) {
  const name = usePersonName();
  const csv = useMemo(() => toCsv(report, name), [report, name]);
  const [href, setHref] = useState<string>();
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [csv]);
  const file = `four-eyes-${report.from.slice(0, 10)}-${report.to.slice(0, 10)}${report.businessLine ? `-${report.businessLine}` : ''}.csv`;
  return href ? (
    <a className="button" href={href} download={file}>
      Download CSV
    </a>
  ) : null;
}

export function FourEyesPage() {
  const { query, form } = useReportWindow();
  const report = useFourEyesReport(query);
  const name = usePersonName();
  const data = report.data;
  useTitle('Four eyes');
  return (
    <>
      <h1 tabIndex={-1}>Four eyes</h1>
      <p className="lede">
        How real the second look was: time from a checker’s first view to their decision, who never says no,
        and which makers keep reaching the same checker.
      </p>
      <ReportTabs />
      {form}
      <QueryState query={report}>
        {data ? (
          <div className="charts">
            <dl className="figures">
              <div>
                <dt>Decisions</dt>
                <dd>{data.team.decisions}</dd>
              </div>
              <div>
                <dt>Team approval rate</dt>
                <dd>{percent(data.team.approvalRate)}</dd>
              </div>
              <div>
                <dt>Median time from first view to decision</dt>
                <dd>{seconds(data.team.medianSecondsFromView)}</dd>
              </div>
              <div>
                <dt>Decided in under {data.thresholds.quickDecisionSeconds} s</dt>
                <dd>{percent(data.team.quickShare)}</dd>
              </div>
              <div>
                <dt>Decided without opening the proposal</dt>
                <dd>{data.team.unviewed}</dd>
              </div>
              <div>
                <dt>Approvals after a reminder</dt>
                <dd>{data.team.approvalsAfterReminder}</dd>
              </div>
              <div>
                <dt>Decided without opening the evidence</dt>
                <dd>{data.team.evidenceNeverOpened}</dd>
              </div>
            </dl>
            <p>
              <CsvDownload report={data} />
            </p>
            <BarChart
              title="Median time from first view to decision, by checker"
              bars={data.checkers
                .filter((c) => c.medianSecondsFromView !== null)
                .map((c) => ({
                  label: name(c.checker),
                  value: c.medianSecondsFromView ?? 0,
                  text: seconds(c.medianSecondsFromView),
                }))}
            />
            <BarChart
              title="Approval rate by checker"
              max={1}
              bars={data.checkers.map((c) => ({
                label: name(c.checker),
                value: c.approvalRate ?? 0,
                text: `${percent(c.approvalRate)} (team ${percent(data.team.approvalRate)})`,
              }))}
            />
            <BarChart
              title="Share of a maker’s proposals decided by one checker"
              max={1}
              bars={data.concentration.map((c) => ({
                label: `${name(c.maker)} → ${name(c.topChecker)}`,
                value: c.share,
                text: `${percent(c.share)} of ${c.decidedProposals}${c.flagged ? ' (flagged)' : ''}`,
              }))}
            />
            <section aria-labelledby="fe-never">
              <h2 id="fe-never">Checkers who rejected nothing</h2>
              {data.neverRejected.length ? (
                <ul>
                  {data.neverRejected.map((id) => (
                    <li key={id}>
                      <Person id={id} />
                    </li>
                  ))}
                </ul>
              ) : (
                <p>Every checker who decided something in this period also rejected something.</p>
              )}
            </section>
            <Table
              caption="By checker"
              rows={data.checkers}
              rowKey={(c) => c.checker}
              columns={[
                { header: 'Checker', cell: (c) => <Person id={c.checker} /> },
                { header: 'Decisions', cell: (c) => c.decisions },
                { header: 'Approval rate', cell: (c) => percent(c.approvalRate) },
                { header: 'Against the team', cell: (c) => points(c.approvalRateVsTeam) },
                { header: 'Median from first view', cell: (c) => seconds(c.medianSecondsFromView) },
                { header: 'Quick', cell: (c) => percent(c.quickShare) },
                { header: 'Without a view', cell: (c) => c.unviewed },
                { header: 'Approved after a reminder', cell: (c) => c.approvalsAfterReminder },
                { header: 'Evidence not opened', cell: (c) => c.evidenceNeverOpened },
              ]}
            />
            <Table
              caption="By maker and checker"
              rows={data.pairs}
              rowKey={(p) => `${p.maker} ${p.checker}`}
              columns={[
                { header: 'Maker', cell: (p) => <Person id={p.maker} /> },
                { header: 'Checker', cell: (p) => <Person id={p.checker} /> },
                { header: 'Decisions', cell: (p) => p.decisions },
                { header: 'Share of the maker’s', cell: (p) => percent(p.shareOfMaker) },
                { header: 'Approval rate', cell: (p) => percent(p.approvalRate) },
                { header: 'Median from first view', cell: (p) => seconds(p.medianSecondsFromView) },
              ]}
            />
          </div>
        ) : null}
      </QueryState>
    </>
  );
}
