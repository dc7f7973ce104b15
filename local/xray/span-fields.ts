import type { Attributes, AttributeValue, Span } from './spans';

/**
 * How a span's OpenTelemetry attributes become X-Ray's fields (the X-Ray segment document). This is the
 * contract for whoever emits spans into the local X-Ray (the functions by OTLP, the emulated services
 * through `Context.traces`):
 *
 * - **Service**: the resource's `service.name` (the API stage `shop-api/prod`, a function's name, a state
 *   machine's name). A span starts a segment when it has no parent, its parent is not in the trace, or
 *   its parent has another service or origin; spans of the same service and origin nest as subsegments.
 * - **Origin**, from `cloud.platform` (the resource's, else the span's):
 *   `aws_api_gateway` → `AWS::ApiGateway::Stage`; `aws_lambda` → `AWS::Lambda` for spans the local cloud
 *   emits itself (scope `local-cloud/…`: the invoke, its init) and `AWS::Lambda::Function` for the
 *   function's own spans; `aws_step_functions` → `AWS::StepFunctions::StateMachine`; `aws_sns` →
 *   `AWS::SNS`; `aws_eventbridge` → `AWS::Events`; `aws_dynamodb` → `AWS::DynamoDB::Table`.
 * - **AWS calls**: a CLIENT span with `rpc.system = aws-api` is an `aws` subsegment named `rpc.service`
 *   (`DynamoDB`, `SNS` …), with `aws.operation` from `rpc.method`, `aws.table_name` from
 *   `aws.dynamodb.table_names`, `aws.request_id` from `aws.request_id`, `aws.region` from `cloud.region`.
 *   Unless the service it calls answers with a segment of its own, it is a node of the service graph:
 *   `AWS::DynamoDB::Table` named after the table, else `AWS::<rpc.service>`. Any other CLIENT span with a
 *   URL (`url.full`, `http.url`) is a `remote` subsegment.
 * - **HTTP**: `http.request.method`/`http.method`, `url.full`/`http.url` (or `url.scheme`, `server.address`,
 *   `url.path`), `http.response.status_code`/`http.status_code`, `user_agent.original`, `client.address`.
 * - **Errors**: status 429 → error and throttle, other 4xx → error, 5xx → fault; a span with status ERROR
 *   and no HTTP status → fault. `exception` events become the `cause`.
 * - **Annotations** (indexed, what filter expressions search): the attributes named in the span's
 *   `aws.xray.annotations` (a string array, as ADOT does it), and every attribute `annotation.<key>`
 *   (`annotation.order_id`), under `<key>`. Keys keep letters, digits and `_` (others become `_`).
 *   All other attributes go to `metadata.default`; span events to `metadata.otel.events`.
 */

export const ORIGINS: Record<string, string> = {
  aws_api_gateway: 'AWS::ApiGateway::Stage',
  aws_lambda: 'AWS::Lambda::Function',
  aws_step_functions: 'AWS::StepFunctions::StateMachine',
  aws_sns: 'AWS::SNS',
  aws_eventbridge: 'AWS::Events',
  aws_dynamodb: 'AWS::DynamoDB::Table',
};

const text = (value: AttributeValue | undefined): string | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value.map(String).join(',') : String(value);

const first = (attributes: Attributes, ...keys: string[]): string | undefined => {
  for (const key of keys) if (attributes[key] !== undefined) return text(attributes[key]);
  return undefined;
};

export const serviceName = (span: Span): string => text(span.resource['service.name']) || 'unknown_service';

export const originOf = (span: Span): string | undefined => {
  const platform = first(span.resource, 'cloud.platform') ?? first(span.attributes, 'cloud.platform');
  if (platform === 'aws_lambda' && span.scope?.startsWith('local-cloud/')) return 'AWS::Lambda';
  return platform ? ORIGINS[platform] : undefined;
};

export const isAwsCall = (span: Span): boolean => span.kind === 'CLIENT' && span.attributes['rpc.system'] === 'aws-api';

export const tableNameOf = (span: Span): string | undefined => {
  const names = span.attributes['aws.dynamodb.table_names'];
  return Array.isArray(names) ? text(names[0]) : text(names);
};

export interface HttpFields {
  request?: { method?: string; url?: string; user_agent?: string; client_ip?: string };
  response?: { status?: number; content_length?: number };
}

const compact = <T extends object>(value: T): T | undefined =>
  Object.values(value).some((v) => v !== undefined)
    ? (Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T)
    : undefined;

const urlOf = (a: Attributes): string | undefined => {
  const full = first(a, 'url.full', 'http.url');
  if (full) return full;
  const path = first(a, 'url.path', 'http.target');
  const host = first(a, 'server.address', 'http.host', 'net.host.name');
  return path && host ? `${first(a, 'url.scheme', 'http.scheme') ?? 'http'}://${host}${path}` : path;
};

export const statusCodeOf = (span: Span): number | undefined => {
  const status = Number(span.attributes['http.response.status_code'] ?? span.attributes['http.status_code']);
  return Number.isInteger(status) && status > 0 ? status : undefined;
};

export const httpOf = (span: Span): HttpFields | undefined => {
  const a = span.attributes;
  const length = Number(a['http.response.body.size'] ?? a['http.response_content_length']);
  return compact({
    request: compact({
      method: first(a, 'http.request.method', 'http.method'),
      url: urlOf(a),
      user_agent: first(a, 'user_agent.original', 'http.user_agent'),
      client_ip: first(a, 'client.address', 'http.client_ip'),
    }),
    response: compact({ status: statusCodeOf(span), content_length: Number.isFinite(length) ? length : undefined }),
  });
};

export interface Flags {
  error: boolean;
  fault: boolean;
  throttle: boolean;
}

export const flagsOf = (span: Span): Flags => {
  const status = statusCodeOf(span);
  if (status !== undefined && status >= 400)
    return { error: status < 500, fault: status >= 500, throttle: status === 429 };
  return { error: false, fault: span.status.code === 'ERROR', throttle: false };
};

export const awsOf = (span: Span): Record<string, string | string[]> | undefined => {
  const a = span.attributes;
  const tables = a['aws.dynamodb.table_names'];
  return compact({
    operation: first(a, 'rpc.method'),
    region: first(a, 'cloud.region') ?? first(span.resource, 'cloud.region'),
    request_id: first(a, 'aws.request_id', 'faas.invocation_id', 'faas.execution'),
    table_name: tableNameOf(span),
    ...(Array.isArray(tables) && tables.length > 1 && { table_names: tables.map(String) }),
    account_id: first(span.resource, 'cloud.account.id'),
    function_name: first(span.resource, 'faas.name'),
  }) as Record<string, string | string[]> | undefined;
};

const annotationKey = (key: string) => key.replace(/[^A-Za-z0-9_]/g, '_');

/** The span's annotations (see above) and the rest of its attributes, as metadata. */
export const annotationsOf = (span: Span): { annotations?: Attributes; metadata: Attributes } => {
  const listed = span.attributes['aws.xray.annotations'];
  const named = new Set(Array.isArray(listed) ? listed.map(String) : typeof listed === 'string' ? [listed] : []);
  const annotations: Attributes = {};
  const metadata: Attributes = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (key === 'aws.xray.annotations') continue;
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (scalar && key.startsWith('annotation.') && key.length > 11) annotations[annotationKey(key.slice(11))] = value;
    else if (scalar && named.has(key)) annotations[annotationKey(key)] = value;
    else metadata[key] = value;
  }
  return { ...(Object.keys(annotations).length > 0 && { annotations }), metadata };
};

export interface Cause {
  exceptions: { id: string; message?: string; type?: string; stack?: string }[];
}

export const causeOf = (span: Span): Cause | undefined => {
  const exceptions = (span.events ?? [])
    .filter((event) => event.name === 'exception')
    .map((event, i) => {
      const a = event.attributes ?? {};
      return {
        id: `${span.spanId.slice(0, 14)}${i.toString(16).padStart(2, '0')}`,
        ...compact({
          message: first(a, 'exception.message'),
          type: first(a, 'exception.type'),
          stack: first(a, 'exception.stacktrace'),
        }),
      };
    });
  if (exceptions.length === 0 && span.status.code === 'ERROR' && span.status.message)
    exceptions.push({ id: span.spanId, message: span.status.message });
  return exceptions.length > 0 ? { exceptions } : undefined;
};
