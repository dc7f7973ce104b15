import { Aborted, childSignal } from './abort';
import { bindingsOf, effectiveInput, flowOut, inputPath, jsonataAt } from './dataflow';
import { type EngineDefinition, type EngineHost, type Frame, languageOf } from './host';
import { type Entry, type RunFrame, scopeOf, type Step } from './entry';
import { applyParameters } from './payload';
import { queryPath } from './jsonpath';
import { asStatesError } from './retry';
import { ERRORS, type Json, StatesError, textOf } from './types';

/**
 * Map and Parallel: each iteration or branch runs its own frame, with the outer variables to read
 * and its own to assign (gone when it ends), its events in the execution's one history. The first
 * failure (beyond a Map's tolerance) stops the others and fails the state.
 */

/** A frame for a nested state machine: the outer variables copied (an inner Assign stays inside). */
const childFrame = (
  frame: Frame,
  definition: EngineDefinition,
  seed: string,
  parentEntered: number,
  mapItem?: Frame['mapItem'],
): Frame => ({
  ...frame,
  parentEntered,
  definition,
  queryLanguage: definition.QueryLanguage ?? frame.queryLanguage,
  variables: { ...frame.variables },
  seed,
  mapItem,
});

/** The items a Map iterates: JSONata's Items (default its input), JSONPath's InputPath then ItemsPath. */
const itemsOf = async (frame: Frame, entry: Entry): Promise<Json[]> => {
  const { state, name } = entry;
  const scope = scopeOf(frame, entry);
  let items: Json;
  if (languageOf(frame, state) === 'JSONata')
    items =
      state.Items === undefined ? entry.input : await jsonataAt(entry)(state.Items as Json, bindingsOf(scope), 'Items');
  else {
    const input = inputPath(state, scope);
    items =
      state.ItemsPath === undefined ? input : queryPath(textOf(state.ItemsPath), { ...scope, input }, 'ItemsPath');
  }
  if (!Array.isArray(items))
    throw new StatesError(
      languageOf(frame, state) === 'JSONata' ? ERRORS.QueryEvaluationError : ERRORS.Runtime,
      `The items of the Map state '${name}' must be an array, not ${JSON.stringify(items)}`,
    );
  return items;
};

/** One item's input: the ItemSelector (or Parameters) with `Map.Item` in the context, else the item. */
const itemInput = async (frame: Frame, entry: Entry, child: Frame, value: Json): Promise<Json> => {
  const { state } = entry;
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return value;
  const scope = scopeOf(child, entry);
  if (languageOf(frame, state) === 'JSONata')
    return jsonataAt(entry)(selector as Json, bindingsOf(scope), 'ItemSelector');
  return applyParameters(
    selector as Json,
    { ...scope, input: inputPath(state, scopeOf(frame, entry)) },
    'ItemSelector',
  );
};

const maxConcurrencyOf = async (frame: Frame, entry: Entry): Promise<number> => {
  const { state } = entry;
  let value = state.MaxConcurrency as Json | undefined;
  if (languageOf(frame, state) === 'JSONata' && typeof value === 'string')
    value = await jsonataAt(entry)(value, bindingsOf(scopeOf(frame, entry)), 'MaxConcurrency');
  if (state.MaxConcurrencyPath !== undefined)
    value = queryPath(textOf(state.MaxConcurrencyPath), scopeOf(frame, entry), 'MaxConcurrencyPath');
  return typeof value === 'number' && value > 0 ? value : Infinity;
};

/** How many failed items a Map tolerates: ToleratedFailureCount, or ToleratedFailurePercentage of them. */
const toleranceOf = (entry: Entry, items: number): number => {
  const { state } = entry;
  const count = typeof state.ToleratedFailureCount === 'number' ? state.ToleratedFailureCount : undefined;
  const percentage =
    typeof state.ToleratedFailurePercentage === 'number' ? state.ToleratedFailurePercentage : undefined;
  if (count === undefined && percentage === undefined) return 0;
  return Math.max(count ?? 0, percentage === undefined ? 0 : Math.floor((percentage / 100) * items));
};

export const runMap = async (
  host: EngineHost,
  frame: Frame,
  entry: Entry,
  retries: number,
  runFrame: RunFrame,
): Promise<Step> => {
  const { state, name } = entry;
  const items = await itemsOf(frame, entry);
  const processor = (state.ItemProcessor ?? state.Iterator) as EngineDefinition;
  const limit = await maxConcurrencyOf(frame, entry);
  const tolerated = toleranceOf(entry, items.length);
  host.record('MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
  const controller = childSignal(host.signal);
  const inner: EngineHost = { ...host, signal: controller.signal };
  const results: Json[] = new Array<Json>(items.length).fill(null);
  let failures = 0;
  let failed: StatesError | undefined;
  let next = 0;
  const iterate = async (index: number) => {
    const child = childFrame(frame, processor, `${frame.seed}#${name}#${entry.id}#${retries}#${index}`, entry.id, {
      Index: index,
      Value: items[index]!,
    });
    inner.record('MapIterationStarted', { mapIterationStartedEventDetails: { name, index } });
    try {
      results[index] = await runFrame(inner, child, await itemInput(frame, entry, child, items[index]!));
      inner.record('MapIterationSucceeded', { mapIterationSucceededEventDetails: { name, index } });
    } catch (error) {
      if (error instanceof Aborted) {
        if (!host.signal.aborted)
          host.record('MapIterationAborted', { mapIterationAbortedEventDetails: { name, index } });
        return;
      }
      const statesError = asStatesError(error);
      inner.record('MapIterationFailed', { mapIterationFailedEventDetails: { name, index } });
      results[index] = { Error: statesError.error, Cause: statesError.cause };
      if (++failures > tolerated && !failed) {
        failed =
          tolerated > 0
            ? new StatesError(
                ERRORS.ExceedToleratedFailureThreshold,
                'The specified tolerated failure threshold was exceeded',
              )
            : statesError;
        controller.abort();
      }
    }
  };
  const worker = async () => {
    while (next < items.length && !controller.signal.aborted) await iterate(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, Math.max(items.length, 1)) }, worker));
  if (host.signal.aborted) throw new Aborted();
  if (failed) {
    host.record('MapStateFailed');
    throw failed;
  }
  host.record('MapStateSucceeded');
  return {
    ...(await flowOut(languageOf(frame, state), state, scopeOf(frame, entry), entry, results)),
    next: state.End === true ? undefined : state.Next,
  };
};

export const runParallel = async (
  host: EngineHost,
  frame: Frame,
  entry: Entry,
  retries: number,
  runFrame: RunFrame,
): Promise<Step> => {
  const { state, name } = entry;
  const language = languageOf(frame, state);
  const scope = scopeOf(frame, entry);
  const input = await effectiveInput(language, state, scope, entry);
  const branches = (state.Branches as EngineDefinition[] | undefined) ?? [];
  host.record('ParallelStateStarted');
  const controller = childSignal(host.signal);
  const inner: EngineHost = { ...host, signal: controller.signal };
  let failed: StatesError | undefined;
  const results = await Promise.all(
    branches.map(async (branch, index) => {
      try {
        return await runFrame(
          inner,
          childFrame(frame, branch, `${frame.seed}#${name}#${entry.id}#${retries}#${index}`, entry.id),
          input,
        );
      } catch (error) {
        if (!(error instanceof Aborted) && !failed) {
          failed = asStatesError(error);
          controller.abort();
        }
        return null;
      }
    }),
  );
  if (host.signal.aborted) throw new Aborted();
  if (failed) {
    host.record('ParallelStateFailed');
    throw failed;
  }
  host.record('ParallelStateSucceeded');
  return {
    ...(await flowOut(language, state, scope, entry, results)),
    next: state.End === true ? undefined : state.Next,
  };
};
