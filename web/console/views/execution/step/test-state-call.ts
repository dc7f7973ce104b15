import type { InspectionLevel, TestStateInput } from '@aws-sdk/client-sfn';
import type { AslDefinition } from '../../../model/definition';
import type { StateRun } from '../../../model/history';
import type { Variables } from '../../../model/variables';

/** Variables as TestState takes them: one JSON object's text, from the history's name → JSON text map. */
export const variablesJson = (variables: Variables): string =>
  `{${Object.entries(variables)
    .map(([name, json]) => `${JSON.stringify(name)}:${json}`)
    .join(',')}}`;

export type MockChoice =
  { kind: 'none' } | { kind: 'result'; result: string } | { kind: 'error'; error: string; cause: string };

/** Whether TestState needs a mock to test this state without calling anything (a Task, Map or Parallel). */
export const needsMock = (type: string | undefined): boolean => ['Task', 'Map', 'Parallel'].includes(type ?? '');

/** The mock that replays a run as it happened: its last attempt's result, or its last attempt's error. */
export const recordedMock = (run: StateRun | undefined): MockChoice | undefined => {
  const last = run?.attempts.at(-1);
  if (last?.outcome === 'succeeded' && last.result !== undefined) return { kind: 'result', result: last.result };
  if (last?.error) return { kind: 'error', error: last.error, cause: last.cause ?? '' };
  return undefined;
};

/**
 * The TestState request for one state of the machine (the whole definition and `stateName`, so that
 * its QueryLanguage and substitutions are the execution's): its input and variables, a mock, a level,
 * and how many retries were made (so that a failure reads RETRIABLE, CAUGHT_ERROR or FAILED as then).
 */
export const testStateRequest = (options: {
  definition: AslDefinition;
  stateName: string;
  input: string;
  variables: string;
  mock: MockChoice;
  inspectionLevel: InspectionLevel;
  retries?: number;
}): TestStateInput => {
  const { mock } = options;
  return {
    definition: JSON.stringify(options.definition),
    stateName: options.stateName,
    input: options.input,
    variables: options.variables,
    inspectionLevel: options.inspectionLevel,
    ...(mock.kind === 'result' && { mock: { result: mock.result, fieldValidationMode: 'NONE' } }),
    ...(mock.kind === 'error' && { mock: { errorOutput: { error: mock.error, cause: mock.cause } } }),
    ...(options.retries && { stateConfiguration: { retrierRetryCount: options.retries } }),
  };
};
