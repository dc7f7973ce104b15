import { randomUUID } from 'node:crypto';
import { ServiceError } from '../support/errors';
import { type JsonBody, optionalString, requiredString } from '../support/json-body';
import { runMap, runParallel } from './engine/branches';
import type { EngineDefinition, EngineHost, EngineState, Frame } from './engine/host';
import type { Entry, Step } from './engine/entry';
import { caught, runFrame, runState } from './engine/interpreter';
import { asStatesError, decideRetry, matchesError, type Retrier } from './engine/retry';
import { baseResource, runTask } from './engine/task';
import { ERRORS, type Json, type JsonObject, StatesError, textOf } from './engine/types';
import { TaskFailure, type TaskInput, taskIntegration } from './integrations';
import { checkMock, type Mock } from './test-state-mock';
import type { StepFunctionsService } from './service';

const LEVELS = ['INFO', 'DEBUG', 'TRACE'];
const TEST_STATE = 'TestState';

const parseJson = (text: string, error: string, what: string): Json => {
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new ServiceError(error, `${what} is not valid JSON`);
  }
};

/** The state to test: one state's JSON, or `stateName` in a whole state machine's. */
const stateToTest = (body: JsonBody): { name: string; state: EngineState; definition: EngineDefinition } => {
  const definition = parseJson(
    requiredString(body, 'definition'),
    'InvalidDefinition',
    'Invalid State Machine Definition: the definition',
  ) as JsonObject;
  const stateName = optionalString(body, 'stateName');
  if (stateName !== undefined) {
    const machine = definition as unknown as EngineDefinition;
    const state = machine.States?.[stateName];
    if (!state)
      throw new ServiceError('ValidationException', `The state '${stateName}' is not in the state machine definition`);
    return { name: stateName, state, definition: machine };
  }
  if (typeof definition.Type !== 'string')
    throw new ServiceError(
      'InvalidDefinition',
      'Invalid State Machine Definition: \'SCHEMA_VALIDATION_FAILED: The field "Type" is required at /\'',
    );
  const state = definition as unknown as EngineState;
  return { name: TEST_STATE, state, definition: { StartAt: TEST_STATE, States: { [TEST_STATE]: state } } };
};

/** What a Task's integration answers in a test: the mock's result or error, else the real call. */
const callFor =
  (service: StepFunctionsService, mock: Mock | undefined, mocked: Json | undefined): EngineHost['call'] =>
  async (input, task) => {
    if (mock?.errorOutput) throw new StatesError(mock.errorOutput.error ?? '', mock.errorOutput.cause ?? '');
    if (mocked !== undefined) return mocked;
    try {
      return (await taskIntegration(task.resource, task.stateName, service.targets)(input as TaskInput)) as Json;
    } catch (error) {
      if (error instanceof TaskFailure) throw new StatesError(error.name, error.message);
      throw error;
    }
  };

type Outcome =
  { status: 'SUCCEEDED' | 'CAUGHT_ERROR'; step: Step } | { status: 'RETRIABLE' | 'FAILED'; error: StatesError };

/**
 * TestState: one state, run once by the engine that runs executions, with the given input,
 * variables and context; a Task's call mocked or made. A failure says what the state would do next:
 * RETRIABLE (a retrier has attempts left at `retrierRetryCount`), CAUGHT_ERROR (a Catch's Next and
 * output) or FAILED. DEBUG and TRACE add the data flow of the state (inspectionData).
 */
export const testState = async (service: StepFunctionsService, body: JsonBody): Promise<unknown> => {
  const { name, state, definition } = stateToTest(body);
  const level = optionalString(body, 'inspectionLevel') ?? 'INFO';
  if (!LEVELS.includes(level))
    throw new ServiceError(
      'ValidationException',
      `1 validation error detected: Value '${level}' at 'inspectionLevel' failed to satisfy constraint: Member must satisfy enum value set: [INFO, DEBUG, TRACE]`,
    );
  const input = parseJson(optionalString(body, 'input') ?? '{}', 'InvalidExecutionInput', 'Invalid input: the input');
  const variables = parseJson(
    optionalString(body, 'variables') ?? '{}',
    'ValidationException',
    'The variables',
  ) as JsonObject;
  const context = parseJson(
    optionalString(body, 'context') ?? '{}',
    'ValidationException',
    'The context',
  ) as JsonObject;
  const mock = body.mock as Mock | undefined;
  if (mock?.result !== undefined && mock.errorOutput !== undefined)
    throw new ServiceError('ValidationException', 'A mock has either a result or an errorOutput, not both');
  // A mocked result is checked before anything runs: a result the API would not return is the request's error.
  const mocked = mock?.result === undefined ? undefined : checkMock(mock, baseResource(textOf(state.Resource ?? '')));
  const retrierRetryCount = Number(
    (body.stateConfiguration as { retrierRetryCount?: number } | undefined)?.retrierRetryCount ?? 0,
  );
  const inspection: Record<string, unknown> = { input: JSON.stringify(input) };
  const now = Date.now();
  const frame: Frame = {
    definition,
    queryLanguage: definition.QueryLanguage ?? 'JSONPath',
    execution: {
      Id: `arn:aws:states:${service.region}:000000000000:execution:${TEST_STATE}:${randomUUID()}`,
      Input: input,
      Name: TEST_STATE,
      RoleArn: optionalString(body, 'roleArn') ?? '',
      StartTime: new Date(now).toISOString(),
      RedriveCount: 0,
    },
    stateMachine: { Id: `arn:aws:states:${service.region}:000000000000:stateMachine:${TEST_STATE}`, Name: TEST_STATE },
    variables: { ...variables },
    seed: randomUUID(),
    contextOverride: context,
    inspect: (step, value) => (inspection[step] = JSON.stringify(value)),
  };
  const host: EngineHost = {
    record: () => 0,
    now: Date.now,
    signal: new AbortController().signal,
    call: callFor(service, mock, mocked),
    waitForToken: () => Promise.resolve(mocked ?? {}),
    taskToken: () => randomUUID(),
    region: service.region,
    timeScale: 0,
  };
  const entry: Entry = { name, state, input, id: 0, at: now };
  const outcome = await runOnce(host, frame, entry, retrierRetryCount, inspection);
  const inspectionData = level === 'INFO' ? undefined : { ...inspection, variables: JSON.stringify(frame.variables) };
  if ('step' in outcome) {
    Object.assign(frame.variables, outcome.step.assigned ?? {});
    return {
      status: outcome.status,
      output: JSON.stringify(outcome.step.output),
      ...(outcome.step.next !== undefined && { nextState: outcome.step.next }),
      ...(inspectionData && { inspectionData: { ...inspectionData, variables: JSON.stringify(frame.variables) } }),
    };
  }
  return {
    status: outcome.status,
    error: outcome.error.error,
    cause: outcome.error.cause,
    ...(inspectionData && { inspectionData }),
  };
};

/** One attempt of the state, and what its Retry and Catch make of a failure. */
const runOnce = async (
  host: EngineHost,
  frame: Frame,
  entry: Entry,
  retrierRetryCount: number,
  inspection: Record<string, unknown>,
): Promise<Outcome> => {
  const attempts: Record<string, (h: EngineHost, f: Frame, e: Entry, retries: number) => Promise<Step>> = {
    Task: runTask,
    Map: (h, f, e, retries) => runMap(h, f, e, retries, runFrame),
    Parallel: (h, f, e, retries) => runParallel(h, f, e, retries, runFrame),
  };
  const attempt = attempts[entry.state.Type];
  try {
    if (!attempt) return { status: 'SUCCEEDED', step: await runState(host, frame, entry, []) };
    return { status: 'SUCCEEDED', step: await attempt(host, frame, entry, retrierRetryCount) };
  } catch (thrown) {
    const error = asStatesError(thrown);
    if (!attempt || error.error === ERRORS.Runtime) return { status: 'FAILED', error };
    const retriers = entry.state.Retry as Retrier[] | undefined;
    const index = (retriers ?? []).findIndex((retrier) => matchesError(retrier.ErrorEquals, error.error));
    const counts: number[] = [];
    if (index >= 0) counts[index] = retrierRetryCount;
    const decision = decideRetry(retriers, counts, error.error, frame.seed, 1);
    if (decision.retry) {
      inspection.errorDetails = {
        retryIndex: decision.retrier,
        retryBackoffIntervalSeconds: Math.round(decision.delayMs / 1000),
      };
      return { status: 'RETRIABLE', error };
    }
    try {
      const step = await caught(frame, entry, error);
      const catchIndex = ((entry.state.Catch as { Next: string }[] | undefined) ?? []).findIndex(
        (c) => c.Next === step.next,
      );
      inspection.errorDetails = { catchIndex };
      return { status: 'CAUGHT_ERROR', step };
    } catch {
      return { status: 'FAILED', error };
    }
  }
};
