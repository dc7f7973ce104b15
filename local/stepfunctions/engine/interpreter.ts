import { Aborted, delay } from './abort';
import {
  bindingsOf,
  effectiveInput,
  exitedDetails,
  flowCaught,
  flowOut,
  inputPath,
  jsonataAt,
  valueOf,
} from './dataflow';
import { type EngineHost, type Frame, languageOf } from './host';
import {
  type Entry,
  json,
  nextOf,
  recordEvaluationFailed,
  type RecordedFailure,
  type ResumeAt,
  scopeOf,
  type Step,
} from './entry';
import { evaluateCondition } from './jsonata';
import { checkAssignedVariables, checkPayloadSize } from './variables';
import { matchesChoiceRule } from './choice';
import { queryPath } from './jsonpath';
import { evaluateIntrinsic, isIntrinsic } from './intrinsics';
import { asStatesError, type Catcher, catcherFor, decideRetry, errorOutput, inState, type Retrier } from './retry';
import { runMap, runParallel } from './branches';
import { runTask } from './task';
import { ERRORS, type Json, type JsonObject, type Scope, StatesError, textOf } from './types';

/**
 * Runs a frame's states from its StartAt (or where it resumes) to its end: answers the last state's
 * output, or throws the error no Catch handled. Each state's entry and exit are recorded before the
 * next state starts; the variables a state assigns are in the frame before the next one runs.
 */
export const runFrame = async (host: EngineHost, frame: Frame, input: Json, resume?: ResumeAt): Promise<Json> => {
  let name = resume?.state ?? frame.definition.StartAt;
  let current = resume?.input ?? input;
  let resuming = resume;
  for (;;) {
    if (host.signal.aborted) throw new Aborted();
    const state = frame.definition.States[name];
    if (!state) throw new StatesError(ERRORS.Runtime, `The state '${name}' is not in the state machine`);
    const entered = resuming?.entered;
    const at = entered?.at ?? host.now();
    const id =
      entered?.id ??
      host.record(
        `${state.Type}StateEntered`,
        { stateEnteredEventDetails: { name, input: json(current), inputDetails: { truncated: false } } },
        { parent: frame.parentEntered },
      );
    const step = await runState(host, frame, { name, state, input: current, id, at }, resuming?.failures ?? []);
    resuming = undefined;
    checkPayloadSize(step.output, name);
    if (step.assigned) {
      checkAssignedVariables(step.assigned, name, { ...frame.variables, ...step.assigned }, id);
      Object.assign(frame.variables, step.assigned);
    }
    host.record(`${state.Type}StateExited`, exitedDetails(name, step), {
      entered: { id, at },
      parent: frame.parentEntered,
    });
    if (step.next === undefined) return step.output;
    name = step.next;
    current = step.output;
  }
};

export const runState = async (
  host: EngineHost,
  frame: Frame,
  entry: Entry,
  failures: RecordedFailure[],
): Promise<Step> => {
  const { state } = entry;
  const language = languageOf(frame, state);
  return evaluating(host, frame, entry, async () => {
    switch (state.Type) {
      case 'Pass': {
        const scope = scopeOf(frame, entry);
        const result = language === 'JSONata' ? undefined : await passResult(entry, scope);
        return { ...(await flowOut(language, state, scope, entry, result)), next: nextOf(state) };
      }
      case 'Choice':
        return choose(frame, entry);
      case 'Wait':
        return wait(host, frame, entry);
      case 'Succeed':
        return flowOut(language, state, scopeOf(frame, entry), entry);
      case 'Fail':
        throw await failure(frame, entry);
      case 'Task':
        return retrying(host, frame, entry, failures, (retries) => runTask(host, frame, entry, retries));
      case 'Map':
        return retrying(host, frame, entry, failures, (retries) => runMap(host, frame, entry, retries, runFrame));
      case 'Parallel':
        return retrying(host, frame, entry, failures, (retries) => runParallel(host, frame, entry, retries, runFrame));
      default:
        throw new StatesError(ERRORS.Runtime, `The state type '${String(state.Type)}' is not supported`);
    }
  });
};

/** A JSONPath Pass state's result: its Result, else its input after InputPath and Parameters. */
const passResult = async (entry: Entry, scope: Scope): Promise<Json> => {
  if (entry.state.Result !== undefined) return entry.state.Result as Json;
  return effectiveInput('JSONPath', entry.state, scope, entry);
};

/**
 * Records an expression that failed in a JSONata state (EvaluationFailed, with the state and field),
 * then lets the error go on. Errors of Task, Map and Parallel attempts are theirs to record.
 */
const evaluating = async (host: EngineHost, frame: Frame, entry: Entry, run: () => Promise<Step>): Promise<Step> => {
  try {
    return await run();
  } catch (error) {
    const failed = asStatesError(error);
    if (error instanceof Aborted) throw error;
    if (!(error instanceof StatesError)) throw inState(failed, entry.name, entry.id);
    if (failed.error === ERRORS.QueryEvaluationError && !(failed as { recorded?: boolean }).recorded)
      recordEvaluationFailed(host, entry.name, failed);
    throw inState(failed, entry.name, entry.id);
  }
};

const choose = async (frame: Frame, entry: Entry): Promise<Step> => {
  const { state, name } = entry;
  const language = languageOf(frame, state);
  const scope = scopeOf(frame, entry);
  for (const rule of (state.Choices as (JsonObject & { Next: string })[] | undefined) ?? []) {
    const matched =
      language === 'JSONata'
        ? await evaluateCondition(textOf(rule.Condition), bindingsOf(scope), name, 'Condition', entry.id)
        : matchesChoiceRule(rule, { ...scope, input: inputPath(state, scope) });
    if (!matched) continue;
    const flowed = await flowOut(
      language,
      {
        ...state,
        Output: rule.Output ?? state.Output,
        Assign: choiceAssign(state.Assign as Json | undefined, rule.Assign),
      },
      scope,
      entry,
    );
    return { ...flowed, next: rule.Next };
  }
  if (state.Default === undefined)
    throw new StatesError(ERRORS.NoChoiceMatched, `No Choice Rules matched and no Default was specified`);
  return { ...(await flowOut(language, state, scope, entry)), next: textOf(state.Default) };
};

/** AWS: a Choice's own Assign applies whichever rule matches; the matched rule's Assign is added over it. */
const choiceAssign = (own: Json | undefined, rule: Json | undefined): Json | undefined =>
  own === undefined || rule === undefined ? (rule ?? own) : { ...(own as JsonObject), ...(rule as JsonObject) };
/** A Wait state waits from its entry (a resumed one only what is left), scaled as retries are. */
const wait = async (host: EngineHost, frame: Frame, entry: Entry): Promise<Step> => {
  const { state, name } = entry;
  const language = languageOf(frame, state);
  const scope = scopeOf(frame, entry);
  const seconds = await valueOf(language, state.Seconds, state.SecondsPath, scope, 'Seconds', entry);
  const timestamp = await valueOf(language, state.Timestamp, state.TimestampPath, scope, 'Timestamp', entry);
  let until = entry.at;
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0)
      throw new StatesError(ERRORS.Runtime, `The Seconds of the Wait state '${name}' must be a positive integer`);
    until = entry.at + seconds * 1000 * host.timeScale;
  } else if (timestamp !== undefined) {
    const time = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
    if (Number.isNaN(time))
      throw new StatesError(ERRORS.Runtime, `The Timestamp of the Wait state '${name}' is not an ISO-8601 timestamp`);
    until = entry.at + Math.max(0, time - entry.at) * host.timeScale;
  }
  await delay(until - host.now(), host.signal);
  return { ...(await flowOut(language, state, scope, entry)), next: nextOf(state) };
};

/** A Fail state's error and cause: literal, from a path (JSONPath) or an expression (JSONata). */
const failure = async (frame: Frame, entry: Entry): Promise<StatesError> => {
  const { state } = entry;
  const language = languageOf(frame, state);
  const scope = scopeOf(frame, entry);
  const read = async (field: 'Error' | 'Cause') => {
    if (language === 'JSONata' && state[field] !== undefined)
      return jsonataAt(entry)(state[field] as Json, bindingsOf(scope), field);
    const path = state[`${field}Path`];
    // AWS: ErrorPath and CausePath take a reference path or an intrinsic function (States.Format…).
    if (path !== undefined)
      return isIntrinsic(textOf(path))
        ? evaluateIntrinsic(textOf(path), scope)
        : queryPath(textOf(path), scope, `${field}Path`);
    return state[field] as Json | undefined;
  };
  const [error, cause] = await Promise.all([read('Error'), read('Cause')]);
  return Object.assign(
    new StatesError(error === undefined ? '' : textOf(error), cause === undefined ? '' : textOf(cause)),
    {
      fromFail: {
        error: error === undefined ? undefined : textOf(error),
        cause: cause === undefined ? undefined : textOf(cause),
      },
    },
  );
};

/**
 * A Task, Map or Parallel state's attempts under its Retry, then its Catch. The failures a resumed
 * state had recorded are counted first, so that it goes on with the attempt and the backoff where it
 * stopped: the last recorded failure's backoff is waited out from when it was recorded.
 */
const retrying = async (
  host: EngineHost,
  frame: Frame,
  entry: Entry,
  recorded: RecordedFailure[],
  attempt: (retries: number) => Promise<Step>,
): Promise<Step> => {
  const retriers = entry.state.Retry as Retrier[] | undefined;
  const counts: number[] = [];
  const seed = `${frame.seed}#${entry.name}#${entry.id}`;
  const decide = (failure: RecordedFailure) => decideRetry(retriers, counts, failure.error, seed, host.timeScale);
  let last: { failure: RecordedFailure; decision: ReturnType<typeof decide>; error?: StatesError } | undefined;
  for (const failure of recorded) last = { failure, decision: decide(failure) };
  for (;;) {
    if (last) {
      if (!last.decision.retry)
        return caught(frame, entry, last.error ?? new StatesError(last.failure.error, last.failure.cause));
      await delay(last.failure.at + last.decision.delayMs - host.now(), host.signal);
    }
    try {
      return await attempt(counts.reduce((sum, count) => sum + count, 0));
    } catch (error) {
      if (error instanceof Aborted) throw error;
      const failed = asStatesError(error);
      if (failed.error === ERRORS.Runtime || failed.error === ERRORS.DataLimitExceeded) throw failed;
      const failure = { error: failed.error, cause: failed.cause, at: host.now() };
      last = { failure, decision: decide(failure), error: failed };
    }
  }
};

/** The first Catch that names the error: its Next, with its output and assignments; else the error goes on. */
export const caught = async (frame: Frame, entry: Entry, error: StatesError): Promise<Step> => {
  const catcher: Catcher | undefined = catcherFor(entry.state.Catch as Catcher[] | undefined, error.error);
  if (!catcher) throw error;
  const language = languageOf(frame, entry.state);
  const flowed = await flowCaught(language, catcher, scopeOf(frame, entry), entry, errorOutput(error));
  return { ...flowed, next: catcher.Next };
};
