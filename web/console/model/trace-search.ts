import type { SegmentDocument, SegmentException, TraceSpan, TraceTree } from './trace';

/** One attribute of a span as the details list shows it: its section, its dotted key and its value as text. */
export interface SpanAttribute {
  section: 'span' | 'annotations' | 'metadata' | 'http' | 'aws' | 'sql';
  key: string;
  value: string;
}

const MAX_DEPTH = 6;

const textOfValue = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

/** An object's leaves as `a.b.c` keys (arrays and deep objects as JSON text). */
const leaves = (value: unknown, prefix: string, depth = 0): [string, string][] => {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth >= MAX_DEPTH)
    return prefix ? [[prefix, textOfValue(value)]] : [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    leaves(inner, prefix ? `${prefix}.${key}` : key, depth + 1),
  );
};

const SECTIONS = ['annotations', 'metadata', 'http', 'aws', 'sql'] as const;

/** Kept in metadata, shown as the span's events (spanEventsOf), not as attributes. */
const EVENTS_KEY = 'otel.events';

/**
 * A span's attributes: origin and namespace, then its annotations, metadata (but its events), http,
 * aws and sql, flattened.
 */
export const attributesOf = (doc: SegmentDocument): SpanAttribute[] => {
  const pairs: [string, string | undefined][] = [
    ['origin', doc.origin],
    ['namespace', doc.namespace],
    ['in_progress', doc.in_progress ? 'true' : undefined],
  ];
  const own = pairs
    .filter((pair): pair is [string, string] => typeof pair[1] === 'string')
    .map(([key, value]): SpanAttribute => ({ section: 'span', key, value }));
  return [
    ...own,
    ...SECTIONS.flatMap((section) =>
      leaves(doc[section], '')
        .filter(([key]) => section !== 'metadata' || key !== EVENTS_KEY)
        .map(([key, value]) => ({ section, key, value }) satisfies SpanAttribute),
    ),
  ];
};

/** A span's events: the exceptions its `cause` records (a cause that is only an exception id says so). */
export const exceptionsOf = (doc: SegmentDocument): SegmentException[] => {
  const cause = doc.cause;
  if (typeof cause === 'string') return [{ id: cause, message: `The exception ${cause}, recorded in another span` }];
  return (cause?.exceptions ?? []).filter((e) => typeof e === 'object' && e !== null);
};

/** An OpenTelemetry span event, as the local X-Ray keeps it in `metadata.otel.events` (time in epoch ms). */
export interface SpanEventLike {
  name: string;
  time?: number;
  attributes?: Record<string, unknown>;
}

/** A span's OpenTelemetry events (exceptions among them are also in its cause), oldest first. */
export const spanEventsOf = (doc: SegmentDocument): SpanEventLike[] => {
  const otel = doc.metadata?.otel as { events?: unknown } | undefined;
  const events = Array.isArray(otel?.events) ? (otel.events as unknown[]) : [];
  return events
    .filter(
      (e): e is SpanEventLike => typeof e === 'object' && e !== null && typeof (e as SpanEventLike).name === 'string',
    )
    .sort((a, b) => (a.time ?? 0) - (b.time ?? 0));
};

/** Everything search looks in: the name, each attribute as `key value`, each exception's type and message. */
export const searchTextOf = (span: TraceSpan): string =>
  [
    span.name,
    ...attributesOf(span.document).map((a) => `${a.key} ${a.value}`),
    ...exceptionsOf(span.document).map((e) => `${e.type ?? ''} ${e.message ?? ''}`),
  ]
    .join('\n')
    .toLowerCase();

export interface TraceSearch {
  /** The spans that match. */
  matches: Set<string>;
  /** The spans to show: those that match and their ancestors (the path to each match). */
  shown: Set<string>;
}

/**
 * The spans a query finds: every one whose name or attribute text contains each of its words (case
 * ignored), with the ancestors that lead to them. An empty query finds nothing and hides nothing.
 */
export const searchTrace = (tree: TraceTree, query: string): TraceSearch | undefined => {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return undefined;
  const byId = new Map(tree.spans.map((span) => [span.id, span]));
  const matches = new Set<string>();
  const shown = new Set<string>();
  for (const span of tree.spans) {
    const text = searchTextOf(span);
    if (!words.every((word) => text.includes(word))) continue;
    matches.add(span.id);
    for (let at: TraceSpan | undefined = span; at && !shown.has(at.id); at = byId.get(at.parentId ?? ''))
      shown.add(at.id);
  }
  return { matches, shown };
};

/** Where a query's words are in a text: [start, end) ranges, merged, for highlighting. */
export const matchRanges = (text: string, query: string): [number, number][] => {
  const lower = text.toLowerCase();
  const ranges: [number, number][] = [];
  for (const word of query.toLowerCase().split(/\s+/).filter(Boolean))
    for (let at = lower.indexOf(word); at >= 0; at = lower.indexOf(word, at + word.length))
      ranges.push([at, at + word.length]);
  ranges.sort((a, b) => a[0] - b[0]);
  return ranges.reduce<[number, number][]>((merged, range) => {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
    return merged;
  }, []);
};

export interface AxisTick {
  /** Milliseconds from the trace's start. */
  at: number;
  /** Its position on the axis, 0 to 100 (%). */
  percent: number;
  label: string;
}

const STEPS = [1, 2, 5];

/** A tick's label: milliseconds below a second, seconds from there (`0 ms`, `800 ms`, `1.2 s`). */
const tickLabel = (at: number): string => (at >= 1000 ? `${+(at / 1000).toFixed(3)} s` : `${+at.toFixed(3)} ms`);

/**
 * The time axis over `durationMs`: ticks at 1, 2 or 5 × a power of ten, at most `most` of them, from 0
 * to the last that fits.
 */
export const timeAxis = (durationMs: number, most = 8): AxisTick[] => {
  const total = Math.max(durationMs, 0.001);
  let step = 0;
  for (let power = 10 ** Math.floor(Math.log10(total / most)); !step; power *= 10)
    step = (STEPS.map((s) => s * power).find((s) => total / s <= most) ?? 0) || 0;
  const ticks: AxisTick[] = [];
  for (let i = 0; i * step <= total + 1e-9; i++) {
    const at = i * step;
    ticks.push({ at, percent: (100 * at) / total, label: tickLabel(at) });
  }
  return ticks;
};

/** A span's bar on the axis: its offset and width in % of the trace (at least a sliver, so it shows). */
export const barOf = (span: TraceSpan, tree: Pick<TraceTree, 'start' | 'end'>): { left: number; width: number } => {
  const total = Math.max(tree.end - tree.start, 0.001);
  const left = (100 * (span.start - tree.start)) / total;
  return { left, width: Math.max((100 * (span.end - span.start)) / total, 0.3) };
};
