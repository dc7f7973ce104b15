import { randomUUID } from 'node:crypto';
import { ServiceError } from '../support/errors';
import { FileExecutionStore } from './execution-files';
import {
  type ExecutionRecord,
  type ExecutionStore,
  MemoryExecutionStore,
  recordedInput,
  recordedOutput,
} from './executions';
import type { HistoryEvent, JSONValue } from './history';
import type { IntegrationTargets } from './integrations';
import { appendRedriven, earlierRedrive, keepToken, recordedEnd, redriveStatusOf } from './redrive';
import { type Machine, timeLeftMs } from './machines';
import { StateMachines } from './state-machines';
import { type AttemptKind, type RunContext, runAttempt, type RunningExecution } from './run';
import { TaskTokens } from './tokens';
import type { StateMachineSpec } from './specs';
import type { StepFunctionsOptions } from './options';
import { statusChangeDetail } from './status-events';
import { StepFunctionsTracing } from './tracing';

export type { StepFunctionsOptions } from './options';

const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;

/**
 * Step Functions on this machine: the engine (engine/) runs each definition, validated once; Task
 * states reach the integrations (integrations.ts) with AWS's result and error shapes. Executions are durable as on AWS: every event is recorded
 * (executions.ts) before the execution moves on, so that after a crash an execution continues from its
 * last recorded transition, in the same history. The wire protocol is in api.ts.
 */
export class StepFunctionsService {
  readonly machines: StateMachines;
  private readonly store: ExecutionStore;
  private readonly running = new Map<string, RunningExecution>();
  readonly tokens = new TaskTokens();
  /** Set when the service closes: an execution it accepted then could not be kept. */
  private closing = false;
  private readonly tracing: StepFunctionsTracing;

  constructor(
    specs: StateMachineSpec[],
    readonly targets: IntegrationTargets,
    private readonly options: StepFunctionsOptions,
  ) {
    this.machines = new StateMachines(specs, options);
    this.store = options.dataDir ? new FileExecutionStore(options.dataDir) : new MemoryExecutionStore();
    this.tracing = new StepFunctionsTracing(options.traces, options.region);
  }

  get region(): string {
    return this.options.region;
  }

  get stateMachines(): StateMachineSpec[] {
    return this.machines.specs();
  }

  machine(arn: string): Machine {
    return this.machines.require(arn);
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

  startExecution(
    stateMachineArn: string,
    name: string | undefined,
    input = '{}',
    /** The caller's X-Ray trace header: the request's `X-Amzn-Trace-Id`, else its `traceHeader`. */
    traceHeader?: string,
  ): ExecutionRecord & { reused: boolean } {
    const machine = this.machine(stateMachineArn);
    const executionName = name ?? randomUUID();
    if (!EXECUTION_NAME.test(executionName)) throw new ServiceError('InvalidName', `Invalid Name: '${executionName}'`);
    let parsed: JSONValue;
    try {
      parsed = JSON.parse(input) as JSONValue;
    } catch {
      throw new ServiceError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: the input is not valid JSON',
      );
    }
    const executionArn = `${machine.spec.arn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.store.get(executionArn);
    if (existing) {
      // Standard workflows: the same name and input while running is the same execution; anything else is a conflict.
      if (machine.spec.type === 'STANDARD' && existing.status === 'RUNNING' && this.inputOf(existing) === input)
        return { ...existing, reused: true };
      throw new ServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    this.checkRunningLimit();
    const startDate = Date.now();
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.spec.arn,
      name: executionName,
      status: 'RUNNING',
      startDate,
      redriveCount: 0,
      announced: '',
      eventCount: 1,
      ...this.tracing.begin(machine.spec, traceHeader),
    };
    this.store.save(record);
    // Recorded here rather than from the engine's log, so that it is on disk before StartExecution answers.
    this.store.append(executionArn, {
      id: 1,
      previousEventId: 0,
      timestamp: startDate,
      type: 'ExecutionStarted',
      executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn: machine.spec.roleArn },
    });
    // Announced before the engine records anything: a status change comes before the events it starts.
    this.announce(record);
    this.launch(machine, record, 'start', parsed);
    return { ...record, reused: false };
  }

  private checkRunningLimit(): void {
    // Accepted now, an execution could not be recorded: the caller tries again (the reconciler does).
    if (this.closing) throw new ServiceError('ServiceUnavailable', 'Step Functions is stopping: try again', 503);
    const max = this.options.maxRunning ?? 1_000_000;
    if (this.running.size >= max)
      throw new ServiceError('ExecutionLimitExceeded', `Execution Limit Exceeded: ${max} executions are running`);
  }

  /** Whether the execution may be redriven now, and why not (DescribeExecution's redriveStatus). */
  redriveStatus(record: ExecutionRecord): ReturnType<typeof redriveStatusOf> {
    return redriveStatusOf(record, this.machines.get(record.stateMachineArn)?.spec);
  }

  /**
   * RedriveExecution: the same execution, RUNNING again from the state it did not get past, with that
   * state's input (that state runs again, its Retry counters new); its history goes on with
   * ExecutionRedriven. The record is the commit point: written first, so that a crash before the
   * event is written still ends in a redriven execution at the next start (resumeInterrupted).
   */
  redriveExecution(executionArn: string, clientToken?: string): { redriveDate: number } {
    const record = this.execution(executionArn);
    const earlier = earlierRedrive(record, clientToken);
    if (earlier !== undefined) return { redriveDate: earlier };
    const machine = this.machines.get(record.stateMachineArn);
    const { reason } = this.redriveStatus(record);
    if (reason !== undefined || !machine)
      throw new ServiceError('ExecutionNotRedrivable', `Execution Not Redrivable: '${executionArn}': ${reason}`);
    this.checkRunningLimit();
    const redriveDate = Date.now();
    const redriven: ExecutionRecord = {
      ...record,
      stopDate: undefined,
      error: undefined,
      cause: undefined,
      status: 'RUNNING',
      redriveCount: record.redriveCount + 1,
      redriveDate,
      redriveTokens: keepToken(record, clientToken, redriveDate),
      // A redrive is a new attempt of the execution: a span of its own, in the trace it was started in.
      ...this.tracing.begin(machine.spec, record.traceHeader, record.trace),
    };
    this.store.save(redriven);
    appendRedriven(this.store, redriven, redriveDate);
    // The state is entered again: its StateEntered goes into the history after ExecutionRedriven.
    this.announce(redriven);
    this.launch(machine, redriven, 'redrive');
    return { redriveDate };
  }

  /**
   * Sends the record's status change (onStatusChange: EventBridge, the changes feed), then notes it
   * as sent. A crash in between sends it again at the next start: at least once, never lost.
   */
  private announce(record: ExecutionRecord): void {
    const key = `${record.status}#${record.redriveCount}`;
    if (!this.options.onStatusChange || record.announced === undefined || record.announced === key) return;
    try {
      this.options.onStatusChange(
        record,
        statusChangeDetail(
          record,
          { input: this.inputOf(record), output: this.outputOf(record) },
          this.redriveStatus(record),
        ),
      );
    } catch {
      return; // not queued (the cloud is stopping): announced at the next start
    }
    record.announced = key;
    this.store.save(record);
  }

  /** The execution's input and output, as its history recorded them. */
  inputOf = (record: ExecutionRecord): string => recordedInput(this.store, record);
  outputOf = (record: ExecutionRecord): string | undefined => recordedOutput(this.store, record);

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: number } {
    const record = this.execution(executionArn);
    if (record.status === 'RUNNING') this.running.get(executionArn)?.stop(error, cause);
    return { stopDate: record.stopDate ?? Date.now() };
  }

  private launch(machine: Machine, record: ExecutionRecord, kind: AttemptKind, input?: JSONValue): void {
    const context: RunContext = {
      region: this.options.region,
      machine,
      targets: this.targets,
      tokens: this.tokens,
      store: this.store,
      timeScale: this.options.retryIntervalScale ?? 1,
      onEvent: this.options.onEvent,
      trace: this.tracing.attempt(machine.spec, record),
      onEnd: (ended) => {
        this.running.delete(ended.executionArn);
        this.announce(ended);
      },
    };
    const executionInput = input ?? (JSON.parse(this.inputOf(record)) as JSONValue);
    const timeoutMs = timeLeftMs(machine, record.redriveDate ?? record.startDate);
    this.running.set(record.executionArn, runAttempt(context, record, kind, executionInput, timeoutMs));
  }

  /**
   * What a crash or a stop left under way goes on. An execution left RUNNING continues from its last
   * recorded transition: the state it last entered, with that state's input (a Task that was under way
   * runs again; every step of a saga is idempotent), in the same history; one whose end the history
   * recorded but the record missed ends as recorded; a redrive whose event a crash cut off gets it.
   * Status changes not yet sent to EventBridge are sent.
   */
  resumeInterrupted(): string[] {
    const resumed: string[] = [];
    for (const record of [...this.store.records()]) {
      const machine = this.machines.get(record.stateMachineArn);
      if (record.status !== 'RUNNING' || this.running.has(record.executionArn) || !machine) {
        this.announce(record);
        continue;
      }
      const events = this.store.history(record.executionArn);
      const end = recordedEnd(events);
      if (record.redriveCount > events.filter((e) => e.type === 'ExecutionRedriven').length)
        appendRedriven(this.store, record, record.redriveDate ?? Date.now());
      else if (end) {
        Object.assign(record, end);
        this.store.save(record);
        this.announce(record);
        continue;
      }
      this.launch(machine, record, 'resume');
      this.announce(record);
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
    this.closing = true;
    const left = [...this.running.values()];
    for (const execution of left) execution.suspend();
    await Promise.allSettled(left.map(({ done }) => done));
    this.store.close();
  }

  get runningCount(): number {
    return this.running.size;
  }
}
