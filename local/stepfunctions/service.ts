import '../support/polyfills';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ServiceError } from '../support/errors';
import { type ExecutionRecord, ExecutionStore } from './executions';
import type { AslDefinition } from './asl';
import { historyEventOf, type HistoryEvent, json, type JSONValue } from './history';
import { describeResource, type IntegrationTargets, TaskFailure, type TaskInput, taskIntegration } from './integrations';
import { scaleRetryIntervals, type StateMachineSpec, taskStates } from './specs';

export interface StepFunctionsOptions {
  region: string;
  /** Where execution records and histories are kept across restarts; in memory when absent. */
  dataDir?: string;
  /** Multiplies every Retry interval: 0 retries at once (tests), 1 waits as the definition says (default). */
  retryIntervalScale?: number;
  onEvent?: (record: ExecutionRecord, event: HistoryEvent) => void;
}

interface Machine {
  spec: StateMachineSpec;
  /** The definition the engine runs (retry intervals scaled). */
  definition: AslDefinition;
  engine: StateMachine;
}

/** The engine's type for the same JSON. */
const forEngine = (definition: AslDefinition) => definition as unknown as StateMachineDefinition;

type Push = (type: string, details?: Record<string, unknown>) => void;

const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;

/** Definitions already validated in this process: validation is expensive (asl-validator's path and ARN checks). */
const validated = new Set<string>();

const validateOnce = (spec: StateMachineSpec, definition: AslDefinition): void => {
  if (validated.has(spec.definition)) return;
  // A definition the engine rejects should fail the start, not an order.
  new StateMachine(forEngine(definition), { validationOptions: { checkPaths: true, checkArn: true } });
  validated.add(spec.definition);
};

/**
 * Step Functions on this machine: aws-local-stepfunctions runs each definition, validated once at
 * start; Task states reach the integrations (integrations.ts) with AWS's result and error shapes;
 * Retry and Catch are the engine's. Histories are recorded in AWS's event format (history.ts) and
 * kept with the execution records (executions.ts). The wire protocol is in api.ts.
 */
export class StepFunctionsService {
  private readonly machines = new Map<string, Machine>();
  private readonly store: ExecutionStore;
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();

  constructor(
    specs: StateMachineSpec[],
    private readonly targets: IntegrationTargets,
    private readonly options: StepFunctionsOptions,
  ) {
    for (const spec of specs) {
      const written = JSON.parse(spec.definition) as AslDefinition;
      validateOnce(spec, written);
      const definition = scaleRetryIntervals(written, options.retryIntervalScale ?? 1);
      this.machines.set(spec.arn, { spec, definition, engine: new StateMachine(forEngine(definition), { validationOptions: { noValidate: true } }) });
    }
    this.store = new ExecutionStore(options.dataDir);
  }

  get stateMachines(): StateMachineSpec[] {
    return [...this.machines.values()].map(({ spec }) => spec);
  }

  machine(arn: unknown): Machine {
    const machine = typeof arn === 'string' ? this.machines.get(arn) : undefined;
    if (!machine) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    return machine;
  }

  execution(arn: unknown): ExecutionRecord {
    const record = typeof arn === 'string' ? this.store.records.get(arn) : undefined;
    if (!record) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return record;
  }

  executions(): IterableIterator<ExecutionRecord> {
    return this.store.records.values();
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

  startExecution(stateMachineArn: unknown, name: string | undefined, input = '{}'): ExecutionRecord & { reused: boolean } {
    const { spec } = this.machine(stateMachineArn);
    const executionName = name ?? crypto.randomUUID();
    if (!EXECUTION_NAME.test(executionName)) throw new ServiceError('InvalidName', `Invalid Name: '${executionName}'`);
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
    const { spec, definition, engine } = this.machine(record.stateMachineArn);
    const push: Push = (type, details = {}) => {
      const id = record.events.length + 1;
      const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: Date.now(), type, ...details };
      record.events.push(event);
      this.store.save(record);
      this.options.onEvent?.(record, event);
    };
    const execution = engine.run(JSON.parse(record.input) as JSONValue, {
      overrides: { taskResourceLocalHandlers: this.taskHandlers(definition, push) },
      context: {
        Execution: { Id: record.executionArn, Name: record.name, RoleArn: spec.roleArn },
        StateMachine: { Id: spec.arn, Name: spec.name },
      },
    });
    const recording = (async () => {
      for await (const event of execution.eventLogs) {
        const mapped = historyEventOf(event, spec.roleArn);
        if (mapped) push(mapped.type, mapped.details);
      }
    })();
    const done = (async () => {
      try {
        const output = await execution.result;
        await recording;
        Object.assign(record, { status: 'SUCCEEDED', output: json(output) });
      } catch (error) {
        await recording.catch(() => undefined);
        Object.assign(record, outcomeOf(error));
      }
      record.stopDate = Date.now();
      this.store.save(record, true);
      this.running.delete(record.executionArn);
    })();
    this.running.set(record.executionArn, { abort: execution.abort, done });
    this.store.save(record, true);
  }

  /** One local handler per Task state: the integration call, with its Task events around it. */
  private taskHandlers(definition: AslDefinition, push: Push) {
    const handlers: Record<string, (input: JSONValue) => Promise<JSONValue>> = {};
    for (const [stateName, state] of taskStates(definition)) {
      const resource = String(state.Resource);
      const described = describeResource(resource);
      const call = taskIntegration(resource, stateName, this.targets);
      handlers[stateName] = async (input) => {
        // Let the engine's StateEntered event reach the history first.
        await new Promise((resolve) => setImmediate(resolve));
        const started = Date.now();
        const timeoutSeconds = Number(state.TimeoutSeconds ?? 60);
        push('TaskScheduled', {
          taskScheduledEventDetails: { ...described, region: this.options.region, parameters: json(input), timeoutInSeconds: timeoutSeconds },
        });
        push('TaskStarted', { taskStartedEventDetails: described });
        try {
          const output = await call(input as TaskInput);
          if (Date.now() - started >= timeoutSeconds * 1000) push('TaskTimedOut', { taskTimedOutEventDetails: { ...described, error: 'States.Timeout' } });
          else push('TaskSucceeded', { taskSucceededEventDetails: { ...described, output: json(output), outputDetails: { truncated: false } } });
          return output as JSONValue;
        } catch (error) {
          const failure = error instanceof TaskFailure ? error : new TaskFailure('States.TaskFailed', (error as Error).message);
          push('TaskFailed', { taskFailedEventDetails: { ...described, error: failure.name, cause: failure.message } });
          throw failure;
        }
      };
    }
    return handlers;
  }

  /** The execution once it has ended (at once if it has). */
  async finished(executionArn: string): Promise<ExecutionRecord> {
    await this.running.get(executionArn)?.done;
    return this.execution(executionArn);
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
}

/** The record fields of an execution that did not succeed, from the engine's error. */
const outcomeOf = (error: unknown): Partial<ExecutionRecord> => {
  if (error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
  if (error instanceof ExecutionError) {
    const cause = (error as { cause?: { name?: string; message?: string; cause?: unknown } }).cause;
    const detail = cause?.cause ?? cause?.message;
    return { status: 'FAILED', error: cause?.name ?? 'States.Runtime', cause: typeof detail === 'string' ? detail : json(detail) };
  }
  return { status: 'FAILED', error: 'States.Runtime', cause: (error as Error).message };
};
