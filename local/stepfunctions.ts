import './polyfills';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

type EventLog = StateMachine['run'] extends (...args: any[]) => { eventLogs: AsyncGenerator<infer E> } ? E : never;
import { mkdirSync, readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { LambdaErrorPayload } from './lambda/runtime';
import { ServiceError } from './errors';
import type { StackModel } from './template';

/** What Task states reach: the local Lambda runtime, SNS and DynamoDB. */
export interface TaskIntegrations {
  invokeLambda(nameOrArn: string, payload: unknown): Promise<{ payload: unknown; functionError?: string }>;
  publish(params: { TopicArn?: string; TargetArn?: string; Message: unknown; Subject?: string; MessageAttributes?: Record<string, unknown> }): Promise<{ MessageId: string }>;
  dynamodb(action: string, params: Record<string, unknown>): Promise<unknown>;
}

export interface StateMachineSpec {
  logicalId: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  roleArn: string;
  definition: string;
  creationDate: number;
}

type Status = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: Status;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  events: HistoryEvent[];
}

/** An error as a Task reports it to the state machine: `Error` is its name, `Cause` its message. */
class TaskFailure extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

const EVENT_PREFIX: Record<string, string> = {
  Task: 'Task', Pass: 'Pass', Choice: 'Choice', Wait: 'Wait', Succeed: 'Succeed', Fail: 'Fail', Map: 'Map', Parallel: 'Parallel',
};

const json = (value: unknown): string => JSON.stringify(value ?? null);

/** The state machines of the template, with every placeholder of DefinitionSubstitutions resolved. */
export const stateMachineSpecs = (model: StackModel): StateMachineSpec[] =>
  model.ofType('AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    let definition = p.DefinitionString !== undefined ? String(model.resolve(p.DefinitionString)) : JSON.stringify(model.resolve(p.Definition));
    const substitutions = model.resolve(p.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
    definition = definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, key: string) => (key in substitutions ? String(substitutions[key]) : match));
    const unresolved = /\$\{([A-Za-z0-9_]+)\}/.exec(definition);
    if (unresolved) throw new Error(`State machine ${logicalId}: placeholder ${unresolved[0]} has no DefinitionSubstitutions entry`);
    return {
      logicalId,
      name: model.physicalName(logicalId),
      arn: model.ref(logicalId),
      type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      roleArn: p.RoleArn ? String(model.resolve(p.RoleArn)) : '',
      definition,
      creationDate: Date.now(),
    };
  });

/** Every Task state of a definition, including those inside Map and Parallel states. */
const taskStates = (definition: { States: Record<string, any> }): [string, any][] =>
  Object.entries(definition.States).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, any]] : []),
    ...(state.Iterator ? taskStates(state.Iterator) : []),
    ...(state.ItemProcessor ? taskStates(state.ItemProcessor) : []),
    ...((state.Branches ?? []) as any[]).flatMap((branch) => taskStates(branch)),
  ]);

const resourceType = (resource: string): { resourceType: string; resource: string } => {
  const integration = /^arn:aws:states:::([a-z0-9-]+):([A-Za-z.]+)$/.exec(resource);
  if (integration) return { resourceType: integration[1]!, resource: integration[2]! };
  return { resourceType: 'lambda', resource };
};

/** Executions on disk, one JSON file each, so that records and histories survive a restart. */
class ExecutionStore {
  readonly records = new Map<string, ExecutionRecord>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly dir?: string) {
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const record = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ExecutionRecord;
      this.records.set(record.executionArn, record);
    }
  }

  private file(record: ExecutionRecord): string {
    return join(this.dir!, `${Buffer.from(record.executionArn).toString('base64url')}.json`);
  }

  /** Writes soon (coalescing bursts of events), or now. */
  save(record: ExecutionRecord, now = false): void {
    this.records.set(record.executionArn, record);
    if (!this.dir) return;
    clearTimeout(this.timers.get(record.executionArn));
    const write = () => {
      this.timers.delete(record.executionArn);
      const file = this.file(record);
      writeFileSync(`${file}.tmp`, JSON.stringify(record));
      renameSync(`${file}.tmp`, file);
    };
    if (now) write();
    else this.timers.set(record.executionArn, setTimeout(write, 50));
  }

  flush(): void {
    for (const arn of [...this.timers.keys()]) this.save(this.records.get(arn)!, true);
  }
}

/**
 * Step Functions on this machine: aws-local-stepfunctions runs each definition; Task states go to
 * the local Lambda runtime and to the SNS and DynamoDB service integrations, with AWS's error shape
 * (`Error` = the error name, `Cause` = the JSON Lambda reports). Retry and Catch are the engine's.
 * Histories are recorded in the AWS event format and kept on disk with the execution records.
 */
export class StepFunctionsService {
  private readonly machines = new Map<string, { spec: StateMachineSpec; definition: StateMachineDefinition }>();
  private readonly store: ExecutionStore;
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();

  constructor(
    specs: StateMachineSpec[],
    private readonly integrations: TaskIntegrations,
    private readonly options: { dataDir?: string; region: string; onEvent?: (record: ExecutionRecord, event: HistoryEvent) => void },
  ) {
    for (const spec of specs) {
      const definition = JSON.parse(spec.definition) as StateMachineDefinition;
      // Validate once, up front: a definition the engine rejects should fail the start, not an order.
      new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
      this.machines.set(spec.arn, { spec, definition });
    }
    this.store = new ExecutionStore(options.dataDir);
  }

  /** Executions left RUNNING by a stop that could not drain them are run again from their input. */
  resumeInterrupted(): string[] {
    const resumed: string[] = [];
    for (const record of this.store.records.values()) {
      if (record.status !== 'RUNNING' || !this.machines.has(record.stateMachineArn)) continue;
      record.events = [];
      this.launch(record);
      resumed.push(record.executionArn);
    }
    return resumed;
  }

  get stateMachines(): StateMachineSpec[] {
    return [...this.machines.values()].map(({ spec }) => spec);
  }

  private machine(arn: unknown) {
    const machine = typeof arn === 'string' ? this.machines.get(arn) : undefined;
    if (!machine) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return machine;
  }

  private execution(arn: unknown): ExecutionRecord {
    const record = typeof arn === 'string' ? this.store.records.get(arn) : undefined;
    if (!record) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return record;
  }

  startExecution(stateMachineArn: unknown, name: string | undefined, input = '{}'): ExecutionRecord & { reused: boolean } {
    const { spec } = this.machine(stateMachineArn);
    const executionName = name ?? crypto.randomUUID();
    if (!/^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/.test(executionName)) throw new ServiceError('InvalidName', `Invalid Name: '${executionName}'`);
    try {
      JSON.parse(input);
    } catch {
      throw new ServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not valid JSON');
    }
    const executionArn = `${spec.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.store.records.get(executionArn);
    if (existing) {
      // Standard workflows: the same name and input while running is the same execution; anything else is a conflict.
      if (spec.type === 'STANDARD' && existing.status === 'RUNNING' && existing.input === input) return { ...existing, reused: true };
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = { executionArn, stateMachineArn: spec.arn, name: executionName, status: 'RUNNING', input, startDate: Date.now(), events: [] };
    this.launch(record);
    return { ...record, reused: false };
  }

  stopExecution(executionArn: unknown, error?: string, cause?: string): { stopDate: number } {
    const record = this.execution(executionArn);
    if (record.status === 'RUNNING') {
      record.error = error;
      record.cause = cause;
      this.running.get(record.executionArn)?.abort();
    }
    return { stopDate: record.stopDate ?? Date.now() };
  }

  private launch(record: ExecutionRecord): void {
    const { spec, definition } = this.machine(record.stateMachineArn);
    const push = (type: string, details: Record<string, unknown> = {}) => {
      const id = record.events.length + 1;
      const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: Date.now(), type, ...details };
      record.events.push(event);
      this.store.save(record);
      this.options.onEvent?.(record, event);
    };
    const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
    const execution = machine.run(JSON.parse(record.input), {
      overrides: { taskResourceLocalHandlers: this.taskHandlers(definition, push) },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: spec.roleArn },
        StateMachine: { Id: spec.arn, Name: spec.name },
      },
    });
    const recording = (async () => {
      for await (const event of execution.eventLogs) this.recordEvent(event, push, spec.roleArn);
    })();
    const done = (async () => {
      try {
        const output = await execution.result;
        await recording;
        Object.assign(record, { status: 'SUCCEEDED', output: json(output) });
      } catch (error) {
        await recording.catch(() => undefined);
        if (error instanceof ExecutionAbortedError) Object.assign(record, { status: 'ABORTED' });
        else if (error instanceof ExecutionTimeoutError) Object.assign(record, { status: 'TIMED_OUT', error: 'States.Timeout' });
        else if (error instanceof ExecutionError) {
          const cause = (error as { cause?: { name?: string; message?: string; cause?: unknown } }).cause;
          const detail = cause?.cause ?? cause?.message;
          Object.assign(record, { status: 'FAILED', error: cause?.name ?? 'States.Runtime', cause: typeof detail === 'string' ? detail : json(detail) });
        } else Object.assign(record, { status: 'FAILED', error: 'States.Runtime', cause: (error as Error).message });
      }
      record.stopDate = Date.now();
      this.store.save(record, true);
      this.running.delete(record.executionArn);
    })();
    this.running.set(record.executionArn, { abort: execution.abort, done });
    this.store.save(record, true);
  }

  /** Maps the engine's event log to the AWS history event types and details. */
  private recordEvent(event: EventLog, push: (type: string, details?: Record<string, unknown>) => void, roleArn: string): void {
    switch (event.type) {
      case 'ExecutionStarted':
        return push('ExecutionStarted', { executionStartedEventDetails: { input: json(event.input), inputDetails: { truncated: false }, roleArn } });
      case 'ExecutionSucceeded':
        return push('ExecutionSucceeded', { executionSucceededEventDetails: { output: json(event.output), outputDetails: { truncated: false } } });
      case 'ExecutionFailed':
        return push('ExecutionFailed', { executionFailedEventDetails: { error: event.Error, cause: typeof event.Cause === 'string' ? event.Cause : json(event.Cause) } });
      case 'ExecutionAborted':
        return push('ExecutionAborted', { executionAbortedEventDetails: {} });
      case 'ExecutionTimeout':
        return push('ExecutionTimedOut', { executionTimedOutEventDetails: { error: 'States.Timeout' } });
      case 'StateEntered':
        return push(`${EVENT_PREFIX[event.state.type]}StateEntered`, {
          stateEnteredEventDetails: { name: event.state.name, input: json(event.state.input), inputDetails: { truncated: false } },
        });
      case 'StateExited':
        return push(`${EVENT_PREFIX[event.state.type]}StateExited`, {
          stateExitedEventDetails: { name: event.state.name, output: json(event.state.output), outputDetails: { truncated: false } },
        });
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const key = `${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`;
        return push(event.type, { [key]: { name: event.parentState.name, index: event.index } });
      }
      default:
        // StateRetried, StateCaught, StateFailed and branch events have no event of their own in AWS:
        // the Task events around them tell the story.
        return;
    }
  }

  private taskHandlers(definition: StateMachineDefinition, push: (type: string, details?: Record<string, unknown>) => void) {
    const handlers: Record<string, (input: any) => Promise<any>> = {};
    for (const [stateName, state] of taskStates(definition as any)) {
      const resource = String(state.Resource);
      const described = resourceType(resource);
      const call = this.integration(resource, stateName);
      handlers[stateName] = async (input: any) => {
        // Let the engine's StateEntered event reach the history first.
        await new Promise((resolve) => setImmediate(resolve));
        const started = Date.now();
        const timeoutSeconds = Number(state.TimeoutSeconds ?? 60);
        push('TaskScheduled', {
          taskScheduledEventDetails: { ...described, region: this.options.region, parameters: json(input), timeoutInSeconds: timeoutSeconds },
        });
        push('TaskStarted', { taskStartedEventDetails: described });
        try {
          const output = await call(input);
          if (Date.now() - started >= timeoutSeconds * 1000) push('TaskTimedOut', { taskTimedOutEventDetails: { ...described, error: 'States.Timeout' } });
          else push('TaskSucceeded', { taskSucceededEventDetails: { ...described, output: json(output), outputDetails: { truncated: false } } });
          return output;
        } catch (error) {
          const failure = error instanceof TaskFailure ? error : new TaskFailure('States.TaskFailed', (error as Error).message);
          push('TaskFailed', { taskFailedEventDetails: { ...described, error: failure.name, cause: failure.message } });
          throw failure;
        }
      };
    }
    return handlers;
  }

  /** The service integration behind a Task's Resource. */
  private integration(resource: string, stateName: string): (input: any) => Promise<unknown> {
    const lambdaFailure = (payload: unknown) => {
      const error = payload as LambdaErrorPayload;
      return new TaskFailure(error?.errorType ?? 'Lambda.Unknown', JSON.stringify(error));
    };
    const invoke = async (functionName: string, payload: unknown) => {
      try {
        return await this.integrations.invokeLambda(functionName, payload);
      } catch (error) {
        const name = (error as Error).name;
        throw new TaskFailure(`Lambda.${name === 'Error' ? 'ServiceException' : name}`, (error as Error).message);
      }
    };
    if (resource === 'arn:aws:states:::lambda:invoke') {
      return async (input) => {
        const result = await invoke(String(input.FunctionName), input.Payload ?? {});
        if (result.functionError) throw lambdaFailure(result.payload);
        return { ExecutedVersion: '$LATEST', Payload: result.payload, StatusCode: 200, SdkHttpMetadata: { httpStatusCode: 200 } };
      };
    }
    if (/^arn:aws:lambda:[^:]*:[^:]*:function:/.test(resource)) {
      return async (input) => {
        const result = await invoke(resource, input);
        if (result.functionError) throw lambdaFailure(result.payload);
        return result.payload;
      };
    }
    if (resource === 'arn:aws:states:::sns:publish') {
      return async (input) => {
        try {
          const { MessageId } = await this.integrations.publish(input);
          return { MessageId, SdkHttpMetadata: { httpStatusCode: 200 } };
        } catch (error) {
          throw new TaskFailure(`SNS.${(error as Error).name}`, (error as Error).message);
        }
      };
    }
    const dynamodb = /^arn:aws:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/.exec(resource);
    if (dynamodb) {
      return async (input) => {
        try {
          return await this.integrations.dynamodb(dynamodb[1]!, input);
        } catch (error) {
          throw new TaskFailure(`DynamoDB.${(error as Error).name}`, (error as Error).message);
        }
      };
    }
    throw new Error(`Task state ${stateName}: resource ${resource} is not supported by the local cloud`);
  }

  /** Waits for every running execution to end, up to a deadline. */
  async drain(graceMs: number): Promise<number> {
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.running.values()].map(({ done }) => done)), deadline]);
    this.store.flush();
    return this.running.size;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** The Step Functions JSON 1.0 API (`X-Amz-Target: AWSStepFunctions.<Action>`). */
  async handle(action: string, body: Record<string, any>): Promise<unknown> {
    const seconds = (ms?: number) => (ms === undefined ? undefined : ms / 1000);
    const summary = (r: ExecutionRecord) => ({
      executionArn: r.executionArn, stateMachineArn: r.stateMachineArn, name: r.name, status: r.status, startDate: seconds(r.startDate), stopDate: seconds(r.stopDate),
    });
    const page = <T>(items: T[], maxResults?: number, nextToken?: string) => {
      const start = nextToken ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
      const size = maxResults && maxResults > 0 ? maxResults : 100;
      const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
      return { items: items.slice(start, start + size), nextToken: next };
    };
    switch (action) {
      case 'StartExecution': {
        const record = this.startExecution(body.stateMachineArn, body.name, body.input);
        return { executionArn: record.executionArn, startDate: seconds(record.startDate) };
      }
      case 'DescribeExecution': {
        const r = this.execution(body.executionArn);
        return {
          ...summary(r), input: r.input, inputDetails: { included: true },
          ...(r.output !== undefined && { output: r.output, outputDetails: { included: true } }),
          ...(r.error !== undefined && { error: r.error }), ...(r.cause !== undefined && { cause: r.cause }),
        };
      }
      case 'StopExecution':
        return { stopDate: seconds(this.stopExecution(body.executionArn, body.error, body.cause).stopDate) };
      case 'ListExecutions': {
        this.machine(body.stateMachineArn);
        const all = [...this.store.records.values()]
          .filter((r) => r.stateMachineArn === body.stateMachineArn && (!body.statusFilter || r.status === body.statusFilter))
          .sort((a, b) => b.startDate - a.startDate)
          .map(summary);
        const { items, nextToken } = page(all, body.maxResults, body.nextToken);
        return { executions: items, ...(nextToken && { nextToken }) };
      }
      case 'GetExecutionHistory': {
        const r = this.execution(body.executionArn);
        const includeData = body.includeExecutionData !== false;
        let events = r.events.map((event) => ({ ...event, timestamp: seconds(event.timestamp) }));
        if (!includeData) events = events.map(({ id, previousEventId, timestamp, type }) => ({ id, previousEventId, timestamp, type }));
        if (body.reverseOrder) events.reverse();
        const { items, nextToken } = page(events, body.maxResults, body.nextToken);
        return { events: items, ...(nextToken && { nextToken }) };
      }
      case 'ListStateMachines': {
        const all = this.stateMachines.map((s) => ({ stateMachineArn: s.arn, name: s.name, type: s.type, creationDate: seconds(s.creationDate) }));
        const { items, nextToken } = page(all, body.maxResults, body.nextToken);
        return { stateMachines: items, ...(nextToken && { nextToken }) };
      }
      case 'DescribeStateMachine': {
        const { spec } = this.machine(body.stateMachineArn);
        return {
          stateMachineArn: spec.arn, name: spec.name, status: 'ACTIVE', definition: spec.definition, roleArn: spec.roleArn,
          type: spec.type, creationDate: seconds(spec.creationDate), loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        };
      }
      case 'DescribeStateMachineForExecution': {
        const { spec } = this.machine(this.execution(body.executionArn).stateMachineArn);
        return { stateMachineArn: spec.arn, name: spec.name, definition: spec.definition, roleArn: spec.roleArn, updateDate: seconds(spec.creationDate) };
      }
      default:
        throw new ServiceError('UnknownOperationException', `Step Functions action ${action} is not supported by the local cloud`);
    }
  }
}
