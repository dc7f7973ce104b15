import type { Attributes, TraceSink } from '../xray/spans';
import { formatTraceHeader, newSpanId, newTraceId, parseTraceHeader } from '../xray/spans';
import { type ActiveSpan, lambdaInvokeAttributes, serviceResource, Tracer } from '../xray/tracer';
import type { StatePlace, TaskCall } from './engine/host';
import type { ExecutionRecord } from './executions';
import type { HistoryEvent } from './history';
import type { StateMachineSpec } from './specs';

// X-Ray for Step Functions, built from the engine's recorded events and its Task calls, outside the
// engine: an execution's span (named after its state machine), under it a span per state entered
// (a Map's or Parallel's inner states under that state), and under a Task state one span per attempt,
// whose header is what the Task hands on (to Lambda, SNS, EventBridge). An optimized DynamoDB call is a
// CLIENT span of its own, as the SDK's would be. The execution's place in its trace is kept on its record
// (`trace`), so that an execution resumed after a restart goes on in the same trace, under the same span.

/** What an execution keeps of its trace: the header it was started with, and its own span's position. */
export type TraceFields = Pick<ExecutionRecord, 'traceHeader' | 'trace'>;

const DYNAMODB = /^arn:aws:states:::dynamodb:([a-zA-Z]+)$/;
/** A state machine as X-Ray's sampling rules name its type. */
const SERVICE_TYPE = 'AWS::StepFunctions::StateMachine';

/** The error of a failed Task call, as Step Functions names it (`Lambda.Unknown`, `States.TaskFailed` …). */
const errorOf = (error: unknown) => ({ name: (error as Error).name, message: (error as Error).message });

/** The local Step Functions' tracer: one for every state machine, each span with its machine's resource. */
export class StepFunctionsTracing {
  private readonly tracer: Tracer;

  constructor(
    sink: TraceSink | undefined,
    private readonly region: string,
  ) {
    this.tracer = new Tracer(sink, {}, 'local-cloud/stepfunctions');
  }

  /**
   * The trace an execution starts (or is redriven) in: the caller's (StartExecution's `X-Amzn-Trace-Id`
   * or `traceHeader`; a redrive's, the one it was in), else a new one when its state machine has tracing enabled. Nothing recorded
   * (tracing off, an unsampled caller): the caller's header is kept, to be handed on as it came.
   */
  begin(spec: StateMachineSpec, traceHeader: string | undefined, earlier?: string): TraceFields {
    const caller = parseTraceHeader(traceHeader) ?? parseTraceHeader(earlier);
    const kept = traceHeader !== undefined && caller ? { traceHeader } : {};
    if (!this.tracer.enabled || (caller && !caller.sampled) || (!caller && !spec.tracingEnabled)) return kept;
    // A trace that begins here: the sampling rules decide, and one left out goes on unsampled.
    if (!caller && !this.tracer.sample({ serviceName: spec.name, serviceType: SERVICE_TYPE, resourceArn: spec.arn }))
      return { traceHeader: formatTraceHeader({ traceId: newTraceId(), sampled: false }) };
    const own = { traceId: caller?.traceId ?? newTraceId(), spanId: newSpanId(), sampled: true };
    return { ...kept, trace: formatTraceHeader(own) };
  }

  /** One attempt of an execution (its start, a resume, a redrive), traced where its record says. */
  attempt(spec: StateMachineSpec, record: ExecutionRecord): ExecutionTrace {
    const own = parseTraceHeader(record.trace);
    const caller = parseTraceHeader(record.traceHeader);
    const resource = serviceResource(spec.name, 'aws_step_functions', spec.arn, this.region);
    const execution = own
      ? this.tracer.start(spec.name, {
          kind: 'SERVER',
          parent: { traceId: own.traceId, ...(caller?.spanId && { spanId: caller.spanId }), sampled: true },
          spanId: own.spanId,
          start: record.redriveDate ?? record.startDate,
          resource,
          attributes: {
            'aws.step_functions.execution.arn': record.executionArn,
            'aws.step_functions.execution.name': record.name,
            'aws.step_functions.state_machine.arn': spec.arn,
            'aws.step_functions.redrive_count': record.redriveCount,
          },
        })
      : this.tracer.start(spec.name, { kind: 'SERVER', parent: caller });
    return new ExecutionTrace(this.tracer, resource, execution, this.region);
  }
}

interface StateSpan {
  span: ActiveSpan;
  /** Its last attempt's error, when it failed. */
  error?: string;
}

/** The spans of one attempt of an execution. */
export class ExecutionTrace {
  private readonly states = new Map<number, StateSpan>();

  constructor(
    private readonly tracer: Tracer,
    private readonly resource: Attributes,
    private readonly execution: ActiveSpan,
    private readonly region: string,
  ) {}

  /** Told each recorded event: a StateEntered starts its state's span, its StateExited ends it. */
  event(event: HistoryEvent, place: StatePlace | undefined): void {
    if (!this.execution.recording) return;
    if (event.type.endsWith('StateEntered')) {
      const name = (event.stateEnteredEventDetails as { name?: string } | undefined)?.name ?? '';
      this.states.set(
        event.id,
        this.stateSpan(name, event.type.slice(0, -'StateEntered'.length), event.timestamp, place),
      );
    } else if (event.type.endsWith('StateExited') && place?.entered) {
      const name = (event.stateExitedEventDetails as { name?: string } | undefined)?.name ?? '';
      const state = this.stateOf(name, event.type.slice(0, -'StateExited'.length), place);
      state.span.end({
        ...(state.error !== undefined && { status: 'ERROR', message: state.error }),
        end: event.timestamp,
      });
      this.states.delete(place.entered.id);
    }
  }

  private stateSpan(name: string, type: string, start: number, place: StatePlace | undefined): StateSpan {
    const parent = (place?.parent !== undefined && this.states.get(place.parent)?.span) || this.execution;
    return {
      span: this.tracer.start(name, {
        kind: 'INTERNAL',
        parent: parent.context,
        start,
        resource: this.resource,
        attributes: { 'aws.step_functions.state.name': name, 'aws.step_functions.state.type': type },
      }),
    };
  }

  /** A state's span; one entered before a restart (a resumed state) gets its span now, from its entry. */
  private stateOf(name: string, type: string, place: StatePlace): StateSpan {
    const id = place.entered?.id ?? -1;
    let state = this.states.get(id);
    if (!state) {
      state = this.stateSpan(name, type, place.entered?.at ?? Date.now(), place);
      this.states.set(id, state);
    }
    return state;
  }

  /**
   * One attempt of a Task: its span under the state's, the header whose Parent it is handed to the
   * call, and its error when it fails. DynamoDB's optimized integration gets a CLIENT span under it.
   */
  async call<T>(input: unknown, task: TaskCall, run: (traceHeader: string | undefined) => Promise<T>): Promise<T> {
    if (!this.execution.recording) return run(this.execution.header);
    const state = this.stateOf(task.stateName, 'Task', task.place);
    const attempt = this.tracer.start(`Attempt ${task.retryCount + 1}`, {
      kind: 'INTERNAL',
      parent: state.span.context,
      resource: this.resource,
      attributes: { ...this.resourceAttributes(task.resource), 'aws.step_functions.attempt': task.retryCount + 1 },
    });
    const client = this.clientSpan(input, task, attempt);
    try {
      const result = await run(attempt.header);
      client?.end();
      attempt.end();
      state.error = undefined;
      return result;
    } catch (error) {
      const { name, message } = errorOf(error);
      const failed = { status: 'ERROR', message: name, attributes: { 'aws.step_functions.error': name } } as const;
      attempt.addEvent('exception', { 'exception.type': name, 'exception.message': message.slice(0, 1024) });
      client?.end(failed);
      attempt.end(failed);
      state.error = name;
      throw error;
    }
  }

  private resourceAttributes(resource: string): Attributes {
    const fn = /^arn:aws:lambda:/.test(resource) ? resource : undefined;
    return {
      'aws.step_functions.resource': resource,
      ...(fn && lambdaInvokeAttributes(fn, this.region)),
    };
  }

  private clientSpan(input: unknown, task: TaskCall, attempt: ActiveSpan): ActiveSpan | undefined {
    const dynamodb = DYNAMODB.exec(task.resource);
    if (!dynamodb) return undefined;
    const method = dynamodb[1]!.charAt(0).toUpperCase() + dynamodb[1]!.slice(1);
    const table = (input as { TableName?: unknown } | null)?.TableName;
    return this.tracer.start(`DynamoDB.${method}`, {
      kind: 'CLIENT',
      parent: attempt.context,
      resource: this.resource,
      attributes: {
        'rpc.system': 'aws-api',
        'rpc.service': 'DynamoDB',
        'rpc.method': method,
        'db.system': 'dynamodb',
        'aws.dynamodb.table_names': typeof table === 'string' ? [table] : [],
        'cloud.region': this.region,
      },
    });
  }

  /** The attempt ended: states still open end with it, then the execution's span, with its status. */
  end(record: ExecutionRecord): void {
    if (!this.execution.recording) return;
    const failed = record.status !== 'SUCCEEDED';
    for (const state of this.states.values())
      state.span.end(failed ? { status: 'ERROR', message: state.error ?? record.error ?? record.status } : {});
    this.states.clear();
    this.execution.end({
      ...(failed && { status: 'ERROR', message: record.error ?? record.status }),
      attributes: {
        'aws.step_functions.execution.status': record.status,
        ...(record.error !== undefined && { 'aws.step_functions.error': record.error }),
      },
      ...(record.stopDate !== undefined && { end: record.stopDate }),
    });
  }
}
