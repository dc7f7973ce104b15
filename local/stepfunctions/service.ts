import '../support/polyfills';
import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { ServiceError } from '../support/errors';
import type { AslDefinition } from './asl';
import { FileExecutionStore } from './execution-files';
import { type ExecutionRecord, type ExecutionStore, MemoryExecutionStore } from './executions';
import type { HistoryEvent, JSONValue } from './history';
import type { IntegrationTargets } from './integrations';
import { type Attempt, type RunContext, runAttempt, type RunningExecution } from './run';
import { scaleRetryIntervals, type StateMachineSpec } from './specs';

export interface StepFunctionsOptions {
  region: string;
  /** Where execution records and histories are kept across restarts; in memory when absent. */
  dataDir?: string;
  /** Multiplies every Retry interval: 0 retries at once (tests), 1 waits as the definition says (default). */
  retryIntervalScale?: number;
  onEvent?: (record: ExecutionRecord, event: HistoryEvent) => void;
  /** Each change of an execution's status: started, succeeded, failed, timed out, aborted, redriven. */
  onStatusChange?: (record: ExecutionRecord) => void;
}

interface Machine {
  spec: StateMachineSpec;
  /** The definition the engine runs: retry intervals scaled, no TimeoutSeconds (the service times executions out). */
  definition: AslDefinition;
  timeoutSeconds?: number;
  /** One engine per state an execution starts or resumes at, built without validating again. */
  engines: Map<string, StateMachine>;
}

/** The engine's type for the same JSON. */
const forEngine = (definition: AslDefinition) => definition as unknown as StateMachineDefinition;

/** Definitions already validated in this process: validation is expensive (asl-validator's path and ARN checks). */
const validated = new Set<string>();

const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;

/** The last state an execution entered, with its input: where it resumes, or where a redrive starts again. */
const lastEntered = (events: HistoryEvent[]): { state: string; input: JSONValue } | undefined => {
  for (let i = events.length - 1; i >= 0; i--) {
    const details = events[i]!.stateEnteredEventDetails as { name: string; input: string } | undefined;
    if (details) return { state: details.name, input: JSON.parse(details.input) as JSONValue };
  }
  return undefined;
};

/**
 * Step Functions on this machine: aws-local-stepfunctions runs each definition, validated once at
 * start; Task states reach the integrations (integrations.ts) with AWS's result and error shapes;
 * Retry and Catch are the engine's. Executions are durable as on AWS: every event is recorded
 * (executions.ts) before the execution moves on, so that after a crash an execution continues from its
 * last recorded transition, in the same history. The wire protocol is in api.ts.
 */
export class StepFunctionsService {
  private readonly machines = new Map<string, Machine>();
  private readonly store: ExecutionStore;
  private readonly running = new Map<string, RunningExecution>();

  constructor(
    specs: StateMachineSpec[],
    private readonly targets: IntegrationTargets,
    private readonly options: StepFunctionsOptions,
  ) {
    for (const spec of specs) {
      const written = JSON.parse(spec.definition) as AslDefinition;
      if (!validated.has(spec.definition)) {
        // A definition the engine rejects should fail the start, not an order.
        new StateMachine(forEngine(written), { validationOptions: { checkPaths: true, checkArn: true } });
        validated.add(spec.definition);
      }
      const { TimeoutSeconds, ...untimed } = scaleRetryIntervals(written, options.retryIntervalScale ?? 1);
      this.machines.set(spec.arn, { spec, definition: untimed, timeoutSeconds: TimeoutSeconds, engines: new Map() });
    }
    this.store = options.dataDir ? new FileExecutionStore(options.dataDir) : new MemoryExecutionStore();
  }

  get stateMachines(): StateMachineSpec[] {
    return [...this.machines.values()].map(({ spec }) => spec);
  }

  machine(arn: string): Machine {
    const machine = this.machines.get(arn);
    if (!machine) throw new ServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  execution(arn: string): ExecutionRecord {
    const record = this.store.get(arn);
    if (!record) throw new ServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  }

  executions(): IterableIterator<ExecutionRecord> {
    return this.store.records();
  }

  history(executionArn: string): HistoryEvent[] {
    this.execution(executionArn);
    return this.store.history(executionArn);
  }

  private engine(machine: Machine, startAt: string): StateMachine {
    let engine = machine.engines.get(startAt);
    if (!engine) {
      engine = new StateMachine(forEngine({ ...machine.definition, StartAt: startAt }), { validationOptions: { noValidate: true } });
      machine.engines.set(startAt, engine);
    }
    return engine;
  }

  private timeoutMs(machine: Machine, since: number): number | undefined {
    return machine.timeoutSeconds === undefined ? undefined : machine.timeoutSeconds * 1000 - (Date.now() - since);
  }

  startExecution(stateMachineArn: string, name: string | undefined, input = '{}'): ExecutionRecord & { reused: boolean } {
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!EXECUTION_NAME.test(executionName)) throw new ServiceError('InvalidName', `Invalid Name: '${executionName}'`);
    let parsed: JSONValue;
    try {
      parsed = JSON.parse(input) as JSONValue;
    } catch {
      throw new ServiceError('InvalidExecutionInput', 'Invalid State Machine Execution Input: the input is not valid JSON');
    }
    const executionArn = `${machine.spec.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.store.get(executionArn);
    if (existing) {
      // Standard workflows: the same name and input while running is the same execution; anything else is a conflict.
      if (machine.spec.type === 'STANDARD' && existing.status === 'RUNNING' && this.inputOf(existing) === input) return { ...existing, reused: true };
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const startDate = Date.now();
    const record: ExecutionRecord = { executionArn, stateMachineArn: machine.spec.arn, name: executionName, status: 'RUNNING', startDate, redriveCount: 0, eventCount: 1 };
    this.store.save(record);
    // Recorded here rather than from the engine's log, so that it is on disk before StartExecution answers.
    this.store.append(executionArn, {
      id: 1,
      previousEventId: 0,
      timestamp: startDate,
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: machine.spec.roleArn },
    });
    this.launch(machine, record, { engine: this.engine(machine, machine.definition.StartAt), input: parsed, started: true, timeoutMs: this.timeoutMs(machine, startDate) });
    return { ...record, reused: false };
  }

  /** The execution's input, as its ExecutionStarted event recorded it. */
  inputOf(record: ExecutionRecord): string {
    const [started] = this.store.history(record.executionArn);
    return (started?.executionStartedEventDetails as { input?: string } | undefined)?.input ?? '{}';
  }

  /** The execution's output, as its ExecutionSucceeded event recorded it. */
  outputOf(record: ExecutionRecord): string | undefined {
    if (record.status !== 'SUCCEEDED') return undefined;
    const succeeded = this.store.history(record.executionArn).findLast((event) => event.type === 'ExecutionSucceeded');
    return (succeeded?.executionSucceededEventDetails as { output?: string } | undefined)?.output;
  }

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: number } {
    const record = this.execution(executionArn);
    if (record.status === 'RUNNING') this.running.get(executionArn)?.stop(error, cause);
    return { stopDate: record.stopDate ?? Date.now() };
  }

  private launch(machine: Machine, record: ExecutionRecord, attempt: Attempt): void {
    const context: RunContext = {
      region: this.options.region,
      roleArn: machine.spec.roleArn,
      stateMachine: { arn: machine.spec.arn, name: machine.spec.name },
      definition: machine.definition,
      targets: this.targets,
      store: this.store,
      onEvent: this.options.onEvent,
      onEnd: (ended) => {
        this.running.delete(ended.executionArn);
        this.options.onStatusChange?.(ended);
      },
    };
    this.running.set(record.executionArn, runAttempt(context, record, attempt));
    this.options.onStatusChange?.(record);
  }

  /**
   * Continues every execution that a crash or a stop left RUNNING from its last recorded transition:
   * the state it last entered, with that state's input. A Task that was under way runs again (every
   * step of a saga is idempotent); the history goes on as one history.
   */
  resumeInterrupted(): string[] {
    const resumed: string[] = [];
    for (const record of [...this.store.records()]) {
      if (record.status !== 'RUNNING' || this.running.has(record.executionArn)) continue;
      const machine = this.machines.get(record.stateMachineArn);
      if (!machine) continue;
      const events = this.store.history(record.executionArn);
      const at = lastEntered(events);
      const started = events.length > 0;
      const since = record.redriveDate ?? record.startDate;
      const attempt: Attempt = at
        ? { engine: this.engine(machine, at.state), input: at.input, started, entered: at.state, timeoutMs: this.timeoutMs(machine, since) }
        : { engine: this.engine(machine, machine.definition.StartAt), input: JSON.parse(this.inputOf(record)) as JSONValue, started, timeoutMs: this.timeoutMs(machine, since) };
      this.launch(machine, record, attempt);
      resumed.push(record.executionArn);
    }
    return resumed;
  }

  /** The execution once it has ended (at once if it has). */
  async finished(executionArn: string): Promise<ExecutionRecord> {
    await this.running.get(executionArn)?.done;
    return this.execution(executionArn);
  }

  /** Waits for every running execution to end, up to a deadline; answers how many are still running. */
  async drain(graceMs: number): Promise<number> {
    const deadline = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
    await Promise.race([Promise.allSettled([...this.running.values()].map(({ done }) => done)), deadline]);
    return this.running.size;
  }

  /**
   * Suspends the executions still running (they stay RUNNING on disk, where they are, to resume on the
   * next start) and closes the store.
   */
  async close(): Promise<void> {
    const left = [...this.running.values()];
    for (const execution of left) execution.suspend();
    await Promise.allSettled(left.map(({ done }) => done));
    this.store.close();
  }

  get runningCount(): number {
    return this.running.size;
  }
}
