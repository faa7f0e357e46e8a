import type { ReactNode } from 'react';
import { memo } from 'react';
import { timeLeft, when } from './format';

export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** The cell's class, where the row calls for one (a breached deadline, a changed version). */
  className?: (row: Row) => string | undefined;
}

function RowOf<Row>(props: { row: Row; columns: readonly Column<Row>[] }) {
  return (
    <tr>
      {props.columns.map((column) => (
        <td key={column.header} className={column.className?.(props.row)}>
          {column.cell(props.row)}
        </td>
      ))}
    </tr>
  );
}

/*
 * A row renders again only when its own item changed: the live feed replaces one case in a list of
 * hundreds, and the other rows keep their DOM.
 */
const MemoRow = memo(RowOf, (before, after) => before.row === after.row) as typeof RowOf;

/**
 * Every list in the console is one of these: a caption, a header per column, a row per item, so that
 * each reads the same to a screen reader and a test finds its cells by the column's name.
 */
export function Table<Row>(props: {
  caption?: string;
  className?: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
}) {
  return (
    <div className="table-wrap">
      <table className={props.className}>
        {props.caption === undefined ? null : <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th key={column.header} scope="col">
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row) => (
            <MemoRow key={props.rowKey(row)} row={row} columns={props.columns} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A state shown as a word on a coloured ground; the stylesheet colours it by kind and value. */
export function Badge(props: {
  kind: 'status' | 'tier' | 'control' | 'proposal';
  value: string;
  testId?: string;
}) {
  return (
    <span data-testid={props.testId} className={`badge ${props.kind}-${props.value}`}>
      {props.value}
    </span>
  );
}

/** How long until a deadline, with the moment itself for machines and on hover. */
export function TimeLeft({ at, now }: { at: string; now?: number }) {
  return (
    <time dateTime={at} title={when(at)}>
      {timeLeft(at, now)}
    </time>
  );
}
