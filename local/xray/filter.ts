import type { Expression, Operator, ServiceMatcher, Value } from './filter-parse';
import type { SegmentDocument, ServiceIdentity, TraceNode, TraceView } from './segments';

// Evaluates a parsed filter expression against one trace. At the top, a condition holds for the trace:
// a flag when any segment or subsegment has it, `ok` when none has an error, fault or throttle,
// `responsetime` the entry point's, `duration` the whole trace's, `http.*` any segment's, an annotation
// any segment's. Inside `service(…) { … }` the same conditions hold for that service's nodes only.

interface Scope {
  view: TraceView;
  nodes: TraceNode[];
  /** The documents whose flags and HTTP fields count. */
  docs: SegmentDocument[];
  responseTimes: number[];
  durations: number[];
  annotations: TraceView['annotations'];
}

const flatten = (doc: SegmentDocument, into: SegmentDocument[] = []): SegmentDocument[] => {
  into.push(doc);
  for (const sub of doc.subsegments ?? []) flatten(sub, into);
  return into;
};

const durationOf = (doc: SegmentDocument) => doc.end_time - doc.start_time;

const matches = (service: ServiceIdentity, matcher: ServiceMatcher) =>
  (matcher.name === undefined || service.Names.includes(matcher.name) || service.Name === matcher.name) &&
  (matcher.type === undefined || service.Type === matcher.type);

const traceScope = (view: TraceView): Scope => ({
  view,
  nodes: view.nodes,
  docs: view.segments.flatMap((segment) => flatten(segment)),
  responseTimes: view.root ? [durationOf(view.root.doc)] : [],
  durations: [view.end - view.start],
  annotations: view.annotations,
});

const serviceScope = (view: TraceView, matcher: ServiceMatcher): Scope => {
  const nodes = view.nodes.filter((node) => matches(node.service, matcher));
  const keys = new Set(nodes.map((node) => node.key));
  return {
    view,
    nodes,
    docs: nodes.map((node) => node.doc),
    responseTimes: nodes.map((node) => durationOf(node.doc)),
    durations: nodes.map((node) => durationOf(node.doc)),
    annotations: view.annotations.filter((a) => keys.has(`${a.service.Name}|${a.service.Type ?? ''}`)),
  };
};

const compare = (actual: Value | undefined, operator: Operator, expected: Value): boolean => {
  if (actual === undefined || typeof actual !== typeof expected) return false;
  switch (operator) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case 'contains':
      return String(actual).includes(String(expected));
    case 'beginswith':
      return String(actual).startsWith(String(expected));
    case 'endswith':
      return String(actual).endsWith(String(expected));
  }
};

const httpField = (doc: SegmentDocument, field: string): Value | undefined => {
  const { request, response } = doc.http ?? {};
  if (field === 'http.status') return response?.status;
  if (field === 'http.url') return request?.url;
  if (field === 'http.method') return request?.method;
  if (field === 'http.useragent') return request?.user_agent;
  return request?.client_ip;
};

const comparison = (scope: Scope, field: string, operator: Operator, value: Value): boolean => {
  if (field === 'responsetime') return scope.responseTimes.some((t) => compare(t, operator, value));
  if (field === 'duration') return scope.durations.some((t) => compare(t, operator, value));
  if (field === 'traceid') return compare(scope.view.id, operator, value);
  if (field.startsWith('annotation.')) {
    const key = field.slice(11);
    return scope.annotations.some((a) => a.key === key && compare(a.value, operator, value));
  }
  return scope.docs.some((doc) => compare(httpField(doc, field), operator, value));
};

const evaluateIn = (scope: Scope, expression: Expression): boolean => {
  switch (expression.kind) {
    case 'and':
      return evaluateIn(scope, expression.left) && evaluateIn(scope, expression.right);
    case 'or':
      return evaluateIn(scope, expression.left) || evaluateIn(scope, expression.right);
    case 'not':
      return !evaluateIn(scope, expression.expression);
    case 'flag': {
      const { flag } = expression;
      const holds =
        flag === 'partial'
          ? scope.view.limitExceeded
          : flag === 'ok'
            ? scope.docs.length > 0 && !scope.docs.some((doc) => doc.error || doc.fault || doc.throttle)
            : scope.docs.some((doc) => doc[flag] === true);
      return holds === expression.value;
    }
    case 'compare':
      return comparison(scope, expression.field, expression.operator, expression.value);
    case 'service': {
      const inner = serviceScope(scope.view, expression.service);
      if (inner.nodes.length === 0) return false;
      return expression.expression ? evaluateIn(inner, expression.expression) : true;
    }
  }
};

/** Whether the trace satisfies the expression (every trace does, without one). */
export const evaluateFilter = (view: TraceView, expression: Expression | undefined): boolean =>
  expression === undefined || evaluateIn(traceScope(view), expression);
