// The funnel screen: how many contacts are at each stage and reached it, the conversion to the
// next stage, time in stage (median, p90), who is stuck, cohorts by week or month of capture, and a
// breakdown by first touch or by an attribute. Every bar opens the contacts behind it in the Leads
// table (with a chip saying what they are), and every chart has a table below it whose numbers
// do the same, for the keyboard and for reading exact values.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis, type BarShapeProps } from 'recharts';
import type { MethodOutput } from '../../../shared/api';
import { STUCK_STAGES, type FunnelStage, type SegmentGroup } from '../../../shared/segments';
import { STAGE_LABEL } from '../../../shared/stages';
import { useClient } from '../state/ClientContext';
import { useNav } from '../state/navStore';
import { describeError } from '../state/toastStore';
import { useChanged } from '../state/useChanged';
import { useLeads } from '../leads/leadsStore';
import { useSegments } from '../segments/segmentsStore';
import { CouldNotRead } from '../ui/CouldNotRead';
import { pluralFraction } from '../../../shared/words';
import { plural } from '../ui/labels';
import {
  atStage,
  breakdownGroup,
  cohort,
  cohortWords,
  FUNNEL_LABEL,
  FUNNEL_ORDER,
  groupWords,
  movedOn,
  reachedStage,
  stuckIn,
  type BreakdownBy,
  type DrillDown,
  type Population,
} from './drillDown';
import { GAP_H, layoutStages, ROW_H } from './stageFunnelLayout';
import { tooltipStyle, useChartColors } from './themeColors';
import './funnel.css';
import { PageTitle } from '../ui/PageTitle';

type FunnelAnswer = MethodOutput<'funnel.get'>;
type CohortAnswer = MethodOutput<'funnel.cohorts'>;
type BreakdownAnswer = MethodOutput<'funnel.breakdown'>;


const DAY_MS = 86_400_000;

/** "1 day", "3.5 days", "5 h", "12 min", "40 s": a time in stage in words. */
export function formatSpan(ms: number | null): string {
  if (ms === null) return '–';
  if (ms >= DAY_MS) return pluralFraction(ms / DAY_MS, 'day');
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toLocaleString(undefined, { maximumFractionDigits: 1 })} h`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.max(0, Math.round(ms / 1000))} s`;
}

const percent = (x: number | null) => (x === null ? '–' : `${(x * 100).toLocaleString(undefined, { maximumFractionDigits: 1 })}%`);

/** Opens the Leads table on the contacts behind a number. */
function drill(d: DrillDown | null) {
  if (!d) return;
  useLeads.getState().showOnly({ rule: { rule: d.rule, label: d.label } });
  useNav.getState().go('leads');
}

/** One question to the engine: asked again when its inputs change and after changes to the data. */
function useAnswer<T>(ask: () => Promise<T>, key: string): { data: T | null; error: string | null; retry: () => void } {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null });
  const seq = useRef(0);
  const askRef = useRef(ask);
  askRef.current = ask;
  const run = useCallback(() => {
    const mine = ++seq.current;
    askRef
      .current()
      .then((data) => mine === seq.current && setState({ data, error: null }))
      .catch((e: unknown) => mine === seq.current && setState((s) => ({ data: s.data, error: describeError(e) })));
  }, []);
  // key stands for every input of `ask`
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(run, [key]);
  useChanged(['contact', 'company', 'event', 'import', 'bulk', 'segment'], run, { delay: 300 });
  return { ...state, retry: run };
}

/** A bar that opens the contacts behind it; `testId` names it for tests and tools. */
function clickableBar(onClick: (index: number) => void, testId: (index: number) => string, title: (index: number) => string) {
  return (p: BarShapeProps) => {
    const height = Math.abs(p.height ?? 0);
    const y = (p.height ?? 0) < 0 ? (p.y ?? 0) + (p.height ?? 0) : (p.y ?? 0);
    return (
      <rect
        x={p.x}
        y={y}
        width={Math.max(0, p.width ?? 0)}
        height={height}
        fill={p.fill}
        className="funnel-bar"
        data-testid={testId(p.index)}
        onClick={() => onClick(p.index)}
      >
        <title>{title(p.index)}</title>
      </rect>
    );
  };
}

/** The unit the time-in-stage chart counts in: the largest that keeps its bars readable. */
function spanUnit(maxMs: number): { ms: number; name: string; short: string } {
  if (maxMs >= 2 * DAY_MS) return { ms: DAY_MS, name: 'days', short: 'd' };
  if (maxMs >= 2 * 3_600_000) return { ms: 3_600_000, name: 'hours', short: 'h' };
  if (maxMs >= 2 * 60_000) return { ms: 60_000, name: 'minutes', short: 'min' };
  return { ms: 1000, name: 'seconds', short: 's' };
}

export function FunnelView() {
  const client = useClient();
  const segments = useSegments((s) => s.items);
  const [populationId, setPopulationId] = useState('');
  const [stuckText, setStuckText] = useState('30');
  const [cohortBy, setCohortBy] = useState<'week' | 'month'>('week');
  const [breakdownBy, setBreakdownBy] = useState<BreakdownBy>('referrer');
  const [attributeText, setAttributeText] = useState('');
  const [attribute, setAttribute] = useState('');

  const stuckDays = Number(stuckText);
  const stuckValid = Number.isInteger(stuckDays) && stuckDays >= 1 && stuckDays <= 3650;
  const [appliedStuck, setAppliedStuck] = useState(30);
  useEffect(() => {
    if (stuckValid) setAppliedStuck(stuckDays);
  }, [stuckDays, stuckValid]);

  const segment = populationId ? segments?.find((s) => s.id === populationId) : undefined;
  // a segment deleted meanwhile: back to everyone, rather than a choice that no longer exists
  useEffect(() => {
    if (populationId && segments && !segment) setPopulationId('');
  }, [populationId, segments, segment]);
  const population: Population | null = segment ? { name: segment.name, rule: segment.rule } : null;
  const rule: SegmentGroup | undefined = population?.rule;
  const ruleKey = JSON.stringify(rule ?? null);

  const funnel = useAnswer(() => client.call('funnel.get', { stuckDays: appliedStuck, ...(rule ? { rule } : {}) }), `${ruleKey}|${appliedStuck}`);
  const cohorts = useAnswer(() => client.call('funnel.cohorts', { by: cohortBy, periods: 12, ...(rule ? { rule } : {}) }), `${ruleKey}|${cohortBy}`);
  const breakdownReady = breakdownBy !== 'attribute' || attribute !== '';
  const breakdown = useAnswer(
    () =>
      breakdownReady
        ? client.call('funnel.breakdown', { by: breakdownBy, top: 10, ...(breakdownBy === 'attribute' ? { attribute } : {}), ...(rule ? { rule } : {}) })
        : Promise.resolve({ groups: [] }),
    `${ruleKey}|${breakdownBy}|${attribute}`,
  );

  const empty = funnel.data?.total === 0;

  return (
    <section className="funnel" aria-labelledby="funnel-title" data-testid="funnel-view">
      <div className="funnel-toolbar">
        <PageTitle id="funnel-title">Funnel</PageTitle>
        <label className="funnel-control">
          <span>Contacts</span>
          <select value={populationId} onChange={(e) => setPopulationId(e.target.value)} aria-label="Contacts in the funnel">
            <option value="">Everyone</option>
            {segments?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <label className="funnel-control">
          <span>Stuck after</span>
          <input
            type="number"
            min={1}
            max={3650}
            step={1}
            className="funnel-days"
            aria-label="Stuck after days"
            aria-invalid={stuckValid ? undefined : true}
            aria-describedby={stuckValid ? undefined : 'stuck-days-error'}
            value={stuckText}
            onChange={(e) => setStuckText(e.target.value)}
          />
          <span>days</span>
        </label>
        {!stuckValid && (
          <span className="field-error" id="stuck-days-error" role="alert">
            Stuck after: a whole number of days from 1 to 3,650
          </span>
        )}
        {funnel.data && (
          <span className="funnel-total muted" data-testid="funnel-total">
            {plural(funnel.data.total, 'contact')}
          </span>
        )}
      </div>

      {funnel.error && <CouldNotRead what="funnel" error={funnel.error} retry={funnel.retry} />}
      {!funnel.data && !funnel.error && <p className="empty">Counting…</p>}
      {empty && (
        <div className="empty funnel-empty" data-testid="funnel-empty">
          <p>{population ? `No contacts in ${population.name}.` : 'No contacts yet: import or add leads.'}</p>
          {!population && (
            <p>
              <button type="button" className="secondary" onClick={() => useNav.getState().go('import')}>
                Import
              </button>{' '}
              <button type="button" onClick={() => useNav.getState().setNewLeadOpen(true)}>
                New lead
              </button>
            </p>
          )}
        </div>
      )}

      {funnel.data && !empty && (
        <div className="funnel-body">
          <StagesSection data={funnel.data} population={population} />
          <TimeSection data={funnel.data} population={population} />
          <StuckSection data={funnel.data} population={population} />
          <Card title={`Cohorts by ${cohortBy} of capture`} testId="funnel-cohorts">
            <div className="funnel-switch" role="radiogroup" aria-label="Cohorts by">
              {(['week', 'month'] as const).map((b) => (
                <label key={b}>
                  <input type="radio" name="cohort-by" value={b} checked={cohortBy === b} onChange={() => setCohortBy(b)} />
                  {b === 'week' ? 'Week' : 'Month'}
                </label>
              ))}
            </div>
            {cohorts.error && <CouldNotRead what="cohorts" error={cohorts.error} retry={cohorts.retry} />}
            {cohorts.data && <CohortsChart data={cohorts.data} population={population} />}
          </Card>
          <Card title="Breakdown" testId="funnel-breakdown">
            <div className="funnel-breakdown-picker">
              <label className="funnel-control">
                <span>By</span>
                <select aria-label="Break down by" value={breakdownBy} onChange={(e) => setBreakdownBy(e.target.value as BreakdownBy)}>
                  <option value="referrer">First referrer</option>
                  <option value="landingPage">First landing page</option>
                  <option value="attribute">Attribute…</option>
                </select>
              </label>
              {breakdownBy === 'attribute' && (
                <form
                  className="funnel-control"
                  onSubmit={(e) => {
                    e.preventDefault();
                    setAttribute(attributeText.trim());
                  }}
                >
                  <input aria-label="Attribute name" placeholder="attribute name" maxLength={190} value={attributeText} onChange={(e) => setAttributeText(e.target.value)} />
                  <button type="submit" className="secondary">
                    Show
                  </button>
                </form>
              )}
            </div>
            {!breakdownReady && <p className="muted">Name an attribute to split the funnel by its values.</p>}
            {breakdown.error && <CouldNotRead what="breakdown" error={breakdown.error} retry={breakdown.retry} />}
            {breakdownReady && breakdown.data && <BreakdownChart data={breakdown.data} by={breakdownBy} attribute={attribute} population={population} />}
          </Card>
        </div>
      )}
    </section>
  );
}

function Card({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  return (
    <section className="funnel-card" aria-label={title} data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A number that opens its contacts; zero is plain text (nobody to show). */
function CountButton({ n, d, what }: { n: number; d: DrillDown | null; what: string }) {
  if (n === 0 || !d) return <span className="funnel-number">{n.toLocaleString()}</span>;
  return (
    <button type="button" className="link funnel-number" aria-label={`Show the ${plural(n, 'contact')} ${what}`} onClick={() => drill(d)}>
      {n.toLocaleString()}
    </button>
  );
}

/** Reached and there-now bars per stage on a log scale, every label in a slot of its own. */
function StageFunnel({ rows, population }: { rows: StageRow[]; population: Population | null }) {
  const colors = useChartColors();
  const [box, setBox] = useState<HTMLElement | null>(null);
  const width = useWidth(box);
  const { height, barX, bars } = layoutStages(rows, width);
  return (
    <figure className="funnel-chart funnel-stage-chart" ref={setBox} aria-label="Contacts per stage: reached and there now">
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label="Contacts per stage: reached and there now" data-testid="funnel-stage-svg">
          {rows.map((r, i) => {
            const b = bars[i]!;
            const mid = b.y + ROW_H / 2;
            return (
              <g key={r.stage} data-stage={r.stage}>
                <text x={0} y={mid} dominantBaseline="central" className="funnel-label funnel-stage-name">
                  {r.label}
                </text>
                {b.reachedW > 0 && (
                  <rect
                    x={barX}
                    y={b.y}
                    width={b.reachedW}
                    height={ROW_H}
                    rx={3}
                    style={{ fill: colors.stage[r.stage], fillOpacity: 0.35 }}
                    className="funnel-bar"
                    data-testid={`funnel-bar-reached-${r.stage}`}
                    onClick={() => drill(reachedStage(r.stage, population))}
                  >
                    <title>{`${plural(r.reached, 'contact')} reached ${r.label}`}</title>
                  </rect>
                )}
                {b.countW > 0 && (
                  <rect
                    x={barX}
                    y={b.y + 7}
                    width={b.countW}
                    height={ROW_H - 14}
                    rx={2}
                    style={{ fill: colors.stage[r.stage] }}
                    className="funnel-bar"
                    data-testid={`funnel-bar-now-${r.stage}`}
                    onClick={() => drill(atStage(r.stage, population))}
                  >
                    <title>{`${plural(r.count, 'contact')} at ${r.label} now`}</title>
                  </rect>
                )}
                <text x={b.valueX} y={mid} dominantBaseline="central" className="funnel-label funnel-value-label" data-testid={`funnel-value-${r.stage}`}>
                  {r.reached.toLocaleString()} reached · {r.count.toLocaleString()} now
                </text>
                {b.gapY !== null && r.conversionLabel && (
                  <text x={barX} y={b.gapY + GAP_H / 2} dominantBaseline="central" className="funnel-label funnel-conversion-label">
                    ↓ {r.conversionLabel}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      )}
      <figcaption className="muted funnel-caption">Bars on a log scale, so every stage shows; the darker part is who is there now. Exact numbers below.</figcaption>
    </figure>
  );
}

/** The element's width, followed as it resizes (0 until measured). */
function useWidth(el: HTMLElement | null): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!el) return;
    const measure = () => setWidth(Math.floor(el.getBoundingClientRect().width));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  return width;
}

type StageRow = { stage: FunnelStage; label: string; count: number; reached: number; conversion: number | null; conversionLabel: string };

function StagesSection({ data, population }: { data: FunnelAnswer; population: Population | null }) {
  const rows: StageRow[] = FUNNEL_ORDER.map((stage) => {
    const s = data.stages.find((x) => x.stage === stage);
    const next = FUNNEL_ORDER[FUNNEL_ORDER.indexOf(stage) + 1];
    return {
      stage,
      label: FUNNEL_LABEL[stage],
      count: s?.count ?? 0,
      reached: s?.reached ?? 0,
      conversion: s?.conversion ?? null,
      conversionLabel: s?.conversion != null && next ? `${percent(s.conversion)} → ${FUNNEL_LABEL[next]}` : '',
    };
  });
  return (
    <Card title="Stages" testId="funnel-stages">
      <StageFunnel rows={rows} population={population} />
      <table className="funnel-table" data-testid="funnel-stage-table">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">There now</th>
            <th scope="col">Reached</th>
            <th scope="col">Conversion to next</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.stage} data-testid={`funnel-stage-${r.stage}`}>
              <th scope="row">{r.label}</th>
              <td data-testid="stage-count">
                <CountButton n={r.count} d={atStage(r.stage, population)} what={`at ${r.label} now`} />
              </td>
              <td data-testid="stage-reached">
                <CountButton n={r.reached} d={reachedStage(r.stage, population)} what={`who reached ${r.label}`} />
              </td>
              <td data-testid="stage-conversion">{r.stage === 'customer' ? '' : percent(r.conversion)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function TimeSection({ data, population }: { data: FunnelAnswer; population: Population | null }) {
  const colors = useChartColors();
  const unit = spanUnit(Math.max(0, ...data.stages.map((s) => s.p90Ms ?? 0)));
  const rows = FUNNEL_ORDER.slice(0, -1).map((stage) => {
    const s = data.stages.find((x) => x.stage === stage);
    return {
      stage,
      label: FUNNEL_LABEL[stage],
      medianInUnit: s?.medianMs == null ? null : s.medianMs / unit.ms,
      p90InUnit: s?.p90Ms == null ? null : s.p90Ms / unit.ms,
      medianMs: s?.medianMs ?? null,
      p90Ms: s?.p90Ms ?? null,
      movedOn: s?.movedOn ?? 0,
    };
  });
  const open = (i: number) => drill(movedOn(rows[i]!.stage, population));
  return (
    <Card title="Time in stage" testId="funnel-time">
      <figure className="funnel-chart" aria-label={`${unit.name[0]!.toUpperCase()}${unit.name.slice(1)} in each stage before moving on: median and 90th percentile`}>
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={rows} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" />
            <YAxis unit={` ${unit.short}`} tickFormatter={(v: number) => v.toLocaleString(undefined, { maximumFractionDigits: 1 })} />
            <Tooltip {...tooltipStyle} formatter={(v) => (typeof v === 'number' ? `${v.toLocaleString(undefined, { maximumFractionDigits: 1 })} ${unit.name}` : String(v))} />
            <Legend itemSorter={null} />
            <Bar dataKey="medianInUnit" name="Median" fill={colors.stage.signed_up} isAnimationActive={false} shape={clickableBar(open, (i) => `funnel-bar-median-${rows[i]!.stage}`, (i) => `Median ${formatSpan(rows[i]!.medianMs)} in ${rows[i]!.label}`)} />
            <Bar dataKey="p90InUnit" name="90th percentile" fill={colors.stage.sql} isAnimationActive={false} shape={clickableBar(open, (i) => `funnel-bar-p90-${rows[i]!.stage}`, (i) => `90% within ${formatSpan(rows[i]!.p90Ms)} in ${rows[i]!.label}`)} />
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <table className="funnel-table">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Median</th>
            <th scope="col">90th percentile</th>
            <th scope="col">Moved on</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.stage} data-testid={`funnel-time-${r.stage}`}>
              <th scope="row">{r.label}</th>
              <td>{formatSpan(r.medianMs)}</td>
              <td>{formatSpan(r.p90Ms)}</td>
              <td>
                <CountButton n={r.movedOn} d={movedOn(r.stage, population)} what={`who moved on from ${r.label}`} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function StuckSection({ data, population }: { data: FunnelAnswer; population: Population | null }) {
  const colors = useChartColors();
  // only the stages one can move on from: a customer staying a customer is the goal, not a stall
  const rows = STUCK_STAGES.map((stage) => ({ stage, label: FUNNEL_LABEL[stage], stuck: data.stages.find((x) => x.stage === stage)?.stuck ?? 0 }));
  const days = data.stuckDays;
  const any = rows.some((r) => r.stuck > 0);
  return (
    <Card title={`Stuck for more than ${plural(days, 'day')}`} testId="funnel-stuck">
      {any ? (
        <figure className="funnel-chart" aria-label={`Contacts in their stage for more than ${plural(days, 'day')}`}>
          <ResponsiveContainer width="100%" height={160}>
            <BarChart data={rows} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" />
              <YAxis allowDecimals={false} />
              <Tooltip {...tooltipStyle} />
              <Bar
                dataKey="stuck"
                name="Stuck"
                fill={colors.stuck}
                isAnimationActive={false}
                shape={clickableBar(
                  (i) => drill(stuckIn(rows[i]!.stage, days, population)),
                  (i) => `funnel-bar-stuck-${rows[i]!.stage}`,
                  (i) => `${plural(rows[i]!.stuck, 'contact')} stuck in ${rows[i]!.label}`,
                )}
              />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      ) : (
        <p className="muted">Nobody has been in their stage for more than {plural(days, 'day')}.</p>
      )}
      <ul className="funnel-stuck-list">
        {rows.map((r) => (
          <li key={r.stage} data-testid={`funnel-stuck-${r.stage}`}>
            {r.label}: <CountButton n={r.stuck} d={stuckIn(r.stage, days, population)} what={`stuck in ${r.label}`} />
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** `hue`: the stage whose theme colour the series takes. */
const COHORT_SERIES: { key: 'captured' | Exclude<FunnelStage, 'lead'>; name: string; stage: FunnelStage | null; hue: FunnelStage }[] = [
  { key: 'captured', name: 'Captured', stage: null, hue: 'lead' },
  { key: 'signed_up', name: STAGE_LABEL.signed_up, stage: 'signed_up', hue: 'signed_up' },
  { key: 'sql', name: STAGE_LABEL.sql, stage: 'sql', hue: 'sql' },
  { key: 'customer', name: STAGE_LABEL.customer, stage: 'customer', hue: 'customer' },
];

function CohortsChart({ data, population }: { data: CohortAnswer; population: Population | null }) {
  const colors = useChartColors();
  const rows = data.cohorts.map((c) => ({
    ...c,
    words: cohortWords(data.by, c.from),
    captured: c.captured,
    signed_up: c.reached.signed_up,
    sql: c.reached.sql,
    customer: c.reached.customer,
  }));
  if (rows.every((r) => r.captured === 0)) return <p className="muted">Nobody was captured in these {data.by === 'week' ? 'weeks' : 'months'}.</p>;
  return (
    <>
      <figure className="funnel-chart" aria-label={`Contacts captured per ${data.by}, and how many reached each stage`}>
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={rows} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="words" />
            <YAxis allowDecimals={false} />
            <Tooltip {...tooltipStyle} />
            <Legend itemSorter={null} />
            {COHORT_SERIES.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                fill={colors.stage[s.hue]}
                isAnimationActive={false}
                shape={clickableBar(
                  (i) => drill(cohort(data.by, rows[i]!, s.stage, population)),
                  (i) => `funnel-bar-cohort-${i}-${s.key}`,
                  (i) => `${s.name}: ${rows[i]![s.key].toLocaleString()} of those captured ${rows[i]!.words}`,
                )}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <table className="funnel-table" data-testid="funnel-cohort-table">
        <thead>
          <tr>
            <th scope="col">{data.by === 'week' ? 'Week' : 'Month'}</th>
            {COHORT_SERIES.map((s) => (
              <th key={s.key} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.from} data-testid={`funnel-cohort-${i}`}>
              <th scope="row">{r.words}</th>
              {COHORT_SERIES.map((s) => (
                <td key={s.key}>
                  <CountButton n={r[s.key]} d={cohort(data.by, r, s.stage, population)} what={`${s.stage ? `at ${s.name} or beyond, ` : ''}captured ${r.words}`} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const BREAKDOWN_SERIES: { key: 'total' | Exclude<FunnelStage, 'lead'>; name: string; stage: FunnelStage | null; hue: FunnelStage }[] = [
  { key: 'total', name: 'Contacts', stage: null, hue: 'lead' },
  { key: 'signed_up', name: STAGE_LABEL.signed_up, stage: 'signed_up', hue: 'signed_up' },
  { key: 'sql', name: STAGE_LABEL.sql, stage: 'sql', hue: 'sql' },
  { key: 'customer', name: STAGE_LABEL.customer, stage: 'customer', hue: 'customer' },
];

function BreakdownChart({ data, by, attribute, population }: { data: BreakdownAnswer; by: BreakdownBy; attribute: string; population: Population | null }) {
  const colors = useChartColors();
  const named = data.groups.filter((g) => !g.other);
  const rows = data.groups.map((g) => ({
    ...g,
    words: g.other ? 'Other' : (g.value ?? 'Not known'),
    signed_up: g.reached.signed_up,
    sql: g.reached.sql,
    customer: g.reached.customer,
  }));
  if (rows.length === 0) return <p className="muted">Nothing to split yet.</p>;
  const drillFor = (i: number, stage: FunnelStage | null) => breakdownGroup(by, attribute, rows[i]!, named, stage, population);
  return (
    <>
      <figure className="funnel-chart" aria-label={`The funnel by ${groupWords(by, attribute, null, false).replace(/ not known$/, '')}`}>
        <ResponsiveContainer width="100%" height={Math.max(180, rows.length * 34 + 60)}>
          <BarChart data={rows} layout="vertical" margin={{ top: 8, right: 16, left: 8, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" allowDecimals={false} />
            <YAxis type="category" dataKey="words" width={160} />
            <Tooltip {...tooltipStyle} />
            <Legend itemSorter={null} />
            {BREAKDOWN_SERIES.map((s) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                fill={colors.stage[s.hue]}
                isAnimationActive={false}
                shape={clickableBar(
                  (i) => drill(drillFor(i, s.stage)),
                  (i) => `funnel-bar-breakdown-${i}-${s.key}`,
                  (i) => `${s.name}: ${rows[i]![s.key].toLocaleString()} with ${rows[i]!.words}`,
                )}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </figure>
      <table className="funnel-table" data-testid="funnel-breakdown-table">
        <thead>
          <tr>
            <th scope="col">Value</th>
            {BREAKDOWN_SERIES.map((s) => (
              <th key={s.key} scope="col">
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.other}:${r.value}`} data-testid={`funnel-breakdown-${i}`}>
              <th scope="row">{r.words}</th>
              {BREAKDOWN_SERIES.map((s) => (
                <td key={s.key}>
                  <CountButton n={r[s.key]} d={drillFor(i, s.stage)} what={`${s.stage ? `at ${s.name} or beyond ` : ''}with ${r.words}`} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
