import { BarChart } from '../charts';
import { duration, words } from '../format';
import { useReport } from '../queries';
import { Table } from '../Table';
import { ReportTabs, useReportWindow } from '../reportWindow';
import { useTitle } from '../title';
import { QueryState } from './QueryState';

const seconds = (value: number | null) => (value === null ? '—' : duration(value * 1_000));

export function ReportsPage() {
  const { query, form } = useReportWindow();
  const report = useReport(query);
  const data = report.data;
  useTitle('Reports');
  return (
    <>
      <h1 tabIndex={-1}>Reports</h1>
      <p className="lede">The operations report, for leads and auditors.</p>
      <ReportTabs />
      {form}
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
                <dt>Campaign lifts / reverts</dt>
                <dd>
                  {data.campaignLifts} / {data.campaignReverts}
                </dd>
              </div>
              <div>
                <dt>Campaign wrong-unfreeze rate</dt>
                <dd>
                  {data.campaignRevertRate === null ? '—' : `${(data.campaignRevertRate * 100).toFixed(1)} %`}
                </dd>
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
            <Table
              caption="Time to first response and to resolution, by channel and tier"
              rows={data.responseTimes}
              rowKey={(r) => `${r.channel} ${r.riskTier}`}
              columns={[
                { header: 'Channel', cell: (r) => words(r.channel) },
                { header: 'Tier', cell: (r) => r.riskTier },
                { header: 'Responded', cell: (r) => r.timeToFirstResponse.samples },
                { header: 'First response p50', cell: (r) => seconds(r.timeToFirstResponse.medianSeconds) },
                { header: 'First response p90', cell: (r) => seconds(r.timeToFirstResponse.p90Seconds) },
                { header: 'Resolved', cell: (r) => r.timeToResolution.samples },
                { header: 'Resolution p50', cell: (r) => seconds(r.timeToResolution.medianSeconds) },
                { header: 'Resolution p90', cell: (r) => seconds(r.timeToResolution.p90Seconds) },
              ]}
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
