import type { components } from '../generated/api';
import { BarChart } from '../charts';
import { duration, when, words } from '../format';
import { Person, usePersonName } from '../people';
import { useWorkloadReport } from '../queries';
import { ReportTabs, useReportWindow } from '../reportWindow';
import { Table } from '../Table';
import { useTitle } from '../title';
import { QueryState } from './QueryState';

type Report = components['schemas']['WorkloadReport'];

const oldest = (row: { oldestAt: string | null; oldestAgeSeconds: number | null }) =>
  row.oldestAt === null || row.oldestAgeSeconds === null
    ? '—'
    : `${duration(row.oldestAgeSeconds * 1_000)} (since ${when(row.oldestAt)})`;

export function WorkloadPage() {
  const { query, form } = useReportWindow({ period: false });
  const report = useWorkloadReport(query.businessLine);
  const name = usePersonName();
  const data: Report | undefined = report.data;
  const agentName = (assignee: string | null) => (assignee === null ? 'Unassigned' : name(assignee));
  useTitle('Workload');
  return (
    <>
      <h1 tabIndex={-1}>Workload</h1>
      <p className="lede">
        Open work now, per agent and per department: how much, how old, what falls due soon and what is
        already late.
      </p>
      <ReportTabs />
      {form}
      <QueryState query={report}>
        {data ? (
          <div className="charts">
            <BarChart
              title="Open cases by agent"
              bars={data.agents.map((a) => ({
                label: agentName(a.assignee),
                value: a.open,
                text: `${a.open} (${a.breached} breached, ${a.dueSoon} due soon)`,
              }))}
            />
            <Table
              caption="By agent"
              rows={data.agents}
              rowKey={(a) => a.assignee ?? ''}
              columns={[
                {
                  header: 'Agent',
                  cell: (a) => (a.assignee === null ? 'Unassigned' : <Person id={a.assignee} />),
                },
                { header: 'Open', cell: (a) => a.open },
                { header: 'Oldest', cell: oldest },
                { header: `Due within ${duration(data.dueSoonSeconds * 1_000)}`, cell: (a) => a.dueSoon },
                { header: 'Breached', cell: (a) => a.breached },
              ]}
            />
            <Table
              caption="By department (open escalations)"
              rows={data.departments}
              rowKey={(d) => d.department}
              columns={[
                { header: 'Department', cell: (d) => words(d.department) },
                { header: 'Open', cell: (d) => d.open },
                { header: 'Oldest', cell: oldest },
                { header: `Due within ${duration(data.dueSoonSeconds * 1_000)}`, cell: (d) => d.dueSoon },
                { header: 'Breached', cell: (d) => d.breached },
              ]}
            />
          </div>
        ) : null}
      </QueryState>
    </>
  );
}
