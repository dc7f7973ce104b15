import { textOf } from './types';
import type { HistoryEvent } from '../history';
import { bindingsOf } from './dataflow';
import type { EngineDefinition, EngineState } from './host';
import { matchesChoiceRule } from './choice';
import type { RecordedFailure } from './entry';
import { evaluateCondition } from './jsonata';
import { type Catcher, catcherFor } from './retry';
import type { Start } from './execution';
import type { Json, JsonObject, Variables } from './types';

/** The events that end a failed attempt of a Task (its own) or of a Map or Parallel (theirs). */
const TASK_FAILURES: Record<string, string> = {
  TaskFailed: 'taskFailedEventDetails',
  TaskTimedOut: 'taskTimedOutEventDetails',
  LambdaFunctionFailed: 'lambdaFunctionFailedEventDetails',
  LambdaFunctionTimedOut: 'lambdaFunctionTimedOutEventDetails',
};
const ERROR_EVENTS: Record<string, string> = { ...TASK_FAILURES, EvaluationFailed: 'evaluationFailedEventDetails' };

type Details = { name?: string; input?: string; output?: string; error?: string; cause?: string; state?: string };
const detailsOf = (event: HistoryEvent, key: string) =>
  (event[key] ?? {}) as Details & { assignedVariables?: Record<string, string> };

/**
 * Where an execution goes on from its history, at the top level (a Map or Parallel under way starts
 * again): the variables its states assigned, the state it last entered with that state's input, and
 * the attempts that state has failed since (so that Retry goes on counting, and a backoff under way
 * is waited out to its end). `restarted`: a redrive, which enters the state again with new Retry
 * counters. A state whose exit was recorded is followed by its next state, as the engine chose it.
 */
export const resumeFrom = async (
  events: HistoryEvent[],
  definition: EngineDefinition,
  restarted: boolean,
): Promise<Start> => {
  const variables: Variables = {};
  let entered: { name: string; id: number; at: number; input: Json; failures: RecordedFailure[] } | undefined;
  let exited: { output: Json; variablesBefore: Variables } | undefined;
  let lastError: RecordedFailure | undefined;
  let redrivenSince = false;
  for (const event of events) {
    if (event.type === 'ExecutionRedriven') redrivenSince = true;
    const entry = detailsOf(event, 'stateEnteredEventDetails');
    if (event.type.endsWith('StateEntered') && entry.name! in definition.States) {
      entered = {
        name: entry.name!,
        id: event.id,
        at: event.timestamp,
        input: JSON.parse(entry.input!) as Json,
        failures: [],
      };
      exited = undefined;
      redrivenSince = false;
      continue;
    }
    const errorKey = ERROR_EVENTS[event.type];
    if (errorKey) {
      const { error = '', cause = '' } = detailsOf(event, errorKey);
      lastError = { error, cause, at: event.timestamp };
    }
    if (!entered) continue;
    const state = definition.States[entered.name]!;
    if (isAttemptEnd(event, state, entered.name) && lastError)
      entered.failures.push({ ...lastError, at: event.timestamp });
    const exit = detailsOf(event, 'stateExitedEventDetails');
    if (event.type.endsWith('StateExited') && exit.name === entered.name) {
      const variablesBefore = { ...variables };
      for (const [name, value] of Object.entries(exit.assignedVariables ?? {}))
        variables[name] = JSON.parse(value) as Json;
      exited = { output: JSON.parse(exit.output!) as Json, variablesBefore };
    }
  }
  if (!entered) return { at: 'start' };
  const state = definition.States[entered.name]!;
  if (!exited) {
    // A redrive enters the state again, with new Retry counters (so does a resume after a redrive that had not yet).
    const resume =
      restarted || redrivenSince
        ? { state: entered.name, input: entered.input, failures: [] }
        : {
            state: entered.name,
            input: entered.input,
            entered: { id: entered.id, at: entered.at },
            failures: entered.failures,
          };
    return { at: 'state', resume, variables };
  }
  const next = await nextAfter(state, entered, exited.variablesBefore);
  if (next === undefined) return { at: 'ended', output: exited.output };
  return { at: 'state', resume: { state: next, input: exited.output, failures: [] }, variables };
};

/** Whether this event ends a failed attempt of the state entered (a Task's own failure, a Map's or Parallel's). */
const isAttemptEnd = (event: HistoryEvent, state: EngineState, name: string): boolean => {
  if (state.Type === 'Task') {
    if (TASK_FAILURES[event.type]) return true;
    return event.type === 'EvaluationFailed' && detailsOf(event, 'evaluationFailedEventDetails').state === name;
  }
  return (
    (state.Type === 'Map' && event.type === 'MapStateFailed') ||
    (state.Type === 'Parallel' && event.type === 'ParallelStateFailed')
  );
};

/**
 * The state that followed one whose exit was recorded: a caught failure's Catch, a Choice's rule
 * (evaluated again on the same input and variables), else its Next.
 */
const nextAfter = async (
  state: EngineState,
  entered: { name: string; id: number; input: Json; failures: RecordedFailure[]; at: number },
  variables: Variables,
): Promise<string | undefined> => {
  const failure = entered.failures.at(-1);
  const caught = failure && catcherFor(state.Catch as Catcher[] | undefined, failure.error);
  if (caught && state.Type !== 'Choice') return caught.Next;
  if (state.Type === 'Choice') {
    const scope = { input: entered.input, context: {}, variables };
    for (const rule of (state.Choices as (JsonObject & { Next: string })[] | undefined) ?? []) {
      const matched =
        (state.QueryLanguage ?? 'JSONPath') === 'JSONata' || rule.Condition !== undefined
          ? await evaluateCondition(textOf(rule.Condition), bindingsOf(scope), entered.name, 'Condition', entered.id)
          : matchesChoiceRule(rule, scope);
      if (matched) return rule.Next;
    }
    return state.Default as string | undefined;
  }
  return state.End === true ? undefined : state.Next;
};
