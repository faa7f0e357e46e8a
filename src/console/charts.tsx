import { useId } from 'react';

export interface Bar {
  label: string;
  value: number;
  text?: string;
}

/** A horizontal bar chart drawn inline as SVG; the figures are also in its accessible description. */
export function BarChart(props: { title: string; bars: Bar[]; max?: number }) {
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
