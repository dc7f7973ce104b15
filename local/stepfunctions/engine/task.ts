import { abortable, Aborted } from './abort';
import { effectiveInput, flowOut, valueOf } from './dataflow';
import { type EngineHost, type Frame, languageOf, type StatePlace } from './host';
import { type Entry, json, recordEvaluationFailed, scopeOf, type Step } from './entry';
import { ERRORS, type Json, StatesError, textOf } from './types';

/** How a Task's resource appears in its history events: `lambda`/`invoke`, `sns`/`publish`, `events`/`putEvents`… */
export const describeResource = (resource: string): { resourceType: string; resource: string } => {
  const integration = /^arn:aws:states:::([a-z0-9-]+):([A-Za-z.]+)$/.exec(resource);
  if (integration) return { resourceType: integration[1]!, resource: integration[2]! };
  return { resourceType: 'lambda', resource };
};

/** A Task's resource without its service integration pattern (`.waitForTaskToken`, `.sync`). */
export const baseResource = (resource: string): string => resource.replace(/\.(waitForTaskToken|sync(:2)?)$/, '');

/** A plain function ARN as a Task's Resource: its events are LambdaFunction…, not Task… */
const isFunctionArn = (resource: string) => /^arn:aws:lambda:[^:]*:[^:]*:function:/.test(resource);

/** A number of seconds a Task may be given (TimeoutSeconds, HeartbeatSeconds), literal, from a path or an expression. */
const secondsOf = async (entry: Entry, frame: Frame, field: 'TimeoutSeconds' | 'HeartbeatSeconds') => {
  const { state, name } = entry;
  const value = await valueOf(
    languageOf(frame, state),
    state[field],
    state[`${field}Path`],
    scopeOf(frame, entry),
    field,
    entry,
  );
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 99_999_999)
    throw new StatesError(
      ERRORS.Runtime,
      `The ${field} of the Task state '${name}' must be an integer from 1 to 99999999`,
    );
  return value;
};

/**
 * One attempt of a Task state: its arguments, the integration's call between TaskScheduled and
 * TaskSucceeded (or TaskFailed, TaskTimedOut), then its output. `.waitForTaskToken` submits the
 * task (TaskSubmitted) and waits for the token's answer, a heartbeat at least every HeartbeatSeconds.
 */
export const runTask = async (host: EngineHost, frame: Frame, entry: Entry, retries: number): Promise<Step> => {
  const { state, name } = entry;
  const language = languageOf(frame, state);
  const written = textOf(state.Resource ?? '');
  const waitForTaskToken = written.endsWith('.waitForTaskToken');
  const resource = baseResource(written);
  const token = waitForTaskToken ? host.taskToken(`${frame.seed}#${name}#${entry.id}#${retries}`) : undefined;
  const scope = scopeOf(frame, entry, retries, token);
  let args: Json;
  let timeoutSeconds: number | undefined;
  let heartbeatSeconds: number | undefined;
  try {
    args = await effectiveInput(language, state, scope, entry);
    timeoutSeconds = await secondsOf(entry, frame, 'TimeoutSeconds');
    heartbeatSeconds = await secondsOf(entry, frame, 'HeartbeatSeconds');
  } catch (error) {
    if (error instanceof StatesError && error.error === ERRORS.QueryEvaluationError)
      recordEvaluationFailed(host, name, error);
    throw error;
  }
  const result = await attempt(host, {
    name,
    place: { entered: { id: entry.id, at: entry.at }, parent: frame.parentEntered },
    retryCount: retries,
    resource,
    waitForTaskToken,
    args,
    token,
    timeoutSeconds,
    heartbeatSeconds,
  });
  return {
    ...(await flowOut(language, state, scope, entry, result)),
    next: state.End === true ? undefined : state.Next,
  };
};

interface TaskAttempt {
  name: string;
  place: StatePlace;
  retryCount: number;
  resource: string;
  waitForTaskToken: boolean;
  args: Json;
  token?: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

const attempt = async (host: EngineHost, task: TaskAttempt): Promise<Json> => {
  const legacy = isFunctionArn(task.resource) && !task.waitForTaskToken;
  const described = describeResource(task.resource);
  const events = legacy ? lambdaEvents(host, task) : taskEvents(host, task, described);
  events.scheduled();
  events.started();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    if (task.timeoutSeconds === undefined) return;
    timer = setTimeout(() => reject(new StatesError(ERRORS.Timeout, '')), task.timeoutSeconds * 1000);
  });
  try {
    // The token is open before the call: what the call starts may answer before the call returns.
    const answered = task.waitForTaskToken
      ? host.waitForToken(task.token!, task.heartbeatSeconds && task.heartbeatSeconds * 1000)
      : undefined;
    answered?.catch(() => undefined);
    const work = (async () => {
      const call = {
        stateName: task.name,
        place: task.place,
        retryCount: task.retryCount,
        resource: task.resource,
        waitForTaskToken: task.waitForTaskToken,
      };
      const answer = await host.call(task.args, call);
      if (!answered) return answer;
      events.submitted(answer);
      return answered;
    })();
    const result = await abortable(Promise.race([work, timedOut]), host.signal);
    events.succeeded(result);
    return result;
  } catch (error) {
    if (error instanceof Aborted) throw error;
    const failed = error instanceof StatesError ? error : new StatesError(ERRORS.TaskFailed, (error as Error).message);
    if (failed.error === ERRORS.Timeout || failed.error === ERRORS.HeartbeatTimeout) events.timedOut(failed);
    else events.failed(failed);
    throw failed;
  } finally {
    clearTimeout(timer);
  }
};

interface TaskEvents {
  scheduled(): void;
  started(): void;
  submitted(answer: Json): void;
  succeeded(result: Json): void;
  failed(error: StatesError): void;
  timedOut(error: StatesError): void;
}

const cause = (error: StatesError) => (error.cause === '' ? {} : { cause: error.cause });

const taskEvents = (
  host: EngineHost,
  task: TaskAttempt,
  described: ReturnType<typeof describeResource>,
): TaskEvents => ({
  scheduled: () =>
    host.record('TaskScheduled', {
      taskScheduledEventDetails: {
        ...described,
        region: host.region,
        parameters: json(task.args),
        ...(task.timeoutSeconds !== undefined && { timeoutInSeconds: task.timeoutSeconds }),
        ...(task.heartbeatSeconds !== undefined && { heartbeatInSeconds: task.heartbeatSeconds }),
      },
    }),
  started: () => host.record('TaskStarted', { taskStartedEventDetails: described }),
  submitted: (answer) =>
    host.record('TaskSubmitted', {
      taskSubmittedEventDetails: { ...described, output: json(answer), outputDetails: { truncated: false } },
    }),
  succeeded: (result) =>
    host.record('TaskSucceeded', {
      taskSucceededEventDetails: { ...described, output: json(result), outputDetails: { truncated: false } },
    }),
  failed: (error) =>
    host.record('TaskFailed', { taskFailedEventDetails: { ...described, error: error.error, ...cause(error) } }),
  timedOut: (error) =>
    host.record('TaskTimedOut', { taskTimedOutEventDetails: { ...described, error: error.error, ...cause(error) } }),
});

/** A plain function ARN's events, as AWS records them. */
const lambdaEvents = (host: EngineHost, task: TaskAttempt): TaskEvents => ({
  scheduled: () =>
    host.record('LambdaFunctionScheduled', {
      lambdaFunctionScheduledEventDetails: {
        resource: task.resource,
        input: json(task.args),
        inputDetails: { truncated: false },
        ...(task.timeoutSeconds !== undefined && { timeoutInSeconds: task.timeoutSeconds }),
      },
    }),
  started: () => host.record('LambdaFunctionStarted'),
  submitted: () => undefined,
  succeeded: (result) =>
    host.record('LambdaFunctionSucceeded', {
      lambdaFunctionSucceededEventDetails: { output: json(result), outputDetails: { truncated: false } },
    }),
  failed: (error) =>
    host.record('LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: error.error, ...cause(error) } }),
  timedOut: (error) =>
    host.record('LambdaFunctionTimedOut', {
      lambdaFunctionTimedOutEventDetails: { error: error.error, ...cause(error) },
    }),
});
