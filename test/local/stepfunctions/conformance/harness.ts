import { handleStepFunctionsAction } from '../../../../local/stepfunctions/api';
import type { IntegrationTargets } from '../../../../local/stepfunctions/integrations';
import { StepFunctionsService } from '../../../../local/stepfunctions/service';

// Conformance cases: a definition, an input, and what AWS answers for it through CreateStateMachine,
// StartExecution and DescribeExecution (status, output, error, cause). Each case runs on a service of
// its own, with Lambda functions the case controls by name:
//   echo           answers its payload
//   error:<Type>   fails (Unhandled) with errorType <Type> and errorMessage 'boom'
//   flaky:<n>      fails <n> times with errorType Flaky, then answers its payload
//   sleep:<ms>     answers its payload after <ms> milliseconds

export interface Expected {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  /** The output, parsed; jest's asymmetric matchers are welcome. */
  output?: unknown;
  error?: string;
  /** The exact cause, or a pattern it matches. */
  cause?: string | RegExp;
}

export interface Case {
  name: string;
  definition: object;
  input?: unknown;
  expected: Expected;
}

interface Described {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
}

const ROLE = 'arn:aws:iam::000000000000:role/StepFunctions';

const handle = (service: StepFunctionsService, action: string, body: Record<string, unknown>): Promise<unknown> =>
  new Promise((resolve) => resolve(handleStepFunctionsAction(service, action, body)));

/** The Lambda functions of the cases (see above), counting each function's calls. */
export const lambdas = (): IntegrationTargets['invokeLambda'] => {
  const calls = new Map<string, number>();
  return (nameOrArn, payload) => {
    const name = nameOrArn.split(':function:').pop()!;
    const count = (calls.get(name) ?? 0) + 1;
    calls.set(name, count);
    const [kind, arg] = name.split(':');
    const failure = (errorType: string) => ({
      functionError: 'Unhandled',
      payload: { errorType, errorMessage: 'boom' },
    });
    if (kind === 'error') return Promise.resolve(failure(arg!));
    if (kind === 'flaky' && count <= Number(arg)) return Promise.resolve(failure('Flaky'));
    if (kind === 'sleep') return new Promise((resolve) => setTimeout(() => resolve({ payload }), Number(arg)));
    return Promise.resolve({ payload });
  };
};

export const newService = () =>
  new StepFunctionsService(
    [],
    {
      invokeLambda: lambdas(),
      publish: () => ({ MessageId: 'm-1' }),
      dynamodb: (action, params) => Promise.resolve(action === 'getItem' ? { Item: params.Key } : {}),
    },
    { region: 'us-east-1', retryIntervalScale: 0 },
  );

export interface HistoryEvent {
  type: string;
  id: number;
  previousEventId: number;
  [details: string]: unknown;
}

export const execute = async (definition: object, input: unknown = {}): Promise<Described> =>
  (await executeWithHistory(definition, input)).described;

/** An execution's description and its whole history. */
export const executeWithHistory = async (
  definition: object,
  input: unknown = {},
): Promise<{ described: Described; events: HistoryEvent[] }> => {
  const service = newService();
  try {
    const { stateMachineArn } = (await handle(service, 'CreateStateMachine', {
      name: 'Conformance',
      definition: JSON.stringify(definition),
      roleArn: ROLE,
    })) as { stateMachineArn: string };
    const { executionArn } = (await handle(service, 'StartExecution', {
      stateMachineArn,
      input: JSON.stringify(input),
    })) as { executionArn: string };
    const deadline = Date.now() + 5000;
    for (;;) {
      const described = (await handle(service, 'DescribeExecution', { executionArn })) as Described;
      if (described.status !== 'RUNNING') {
        const { events } = (await handle(service, 'GetExecutionHistory', { executionArn })) as {
          events: HistoryEvent[];
        };
        return { described, events };
      }
      if (Date.now() > deadline) throw new Error('the execution did not end within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    await service.close();
  }
};

/** Runs each case and compares DescribeExecution with what AWS answers. */
export const conform = (cases: Case[]) =>
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, { definition, input, expected }) => {
    const described = await execute(definition, input);
    const seen: Record<string, unknown> = { status: described.status };
    if ('output' in expected) seen.output = described.output === undefined ? undefined : JSON.parse(described.output);
    if ('error' in expected) seen.error = described.error;
    const { cause, ...rest } = expected;
    // A cause given as text (or undefined: none at all) is compared exactly; a pattern is matched.
    const exact = 'cause' in expected && !(cause instanceof RegExp);
    if (exact) seen.cause = described.cause;
    expect(seen).toEqual(exact ? expected : rest);
    if (cause instanceof RegExp) expect(described.cause).toMatch(cause);
  });

/** A machine of one state (and its name). */
export const single = (state: { Type: string } & Record<string, unknown>, extra: object = {}) => ({
  StartAt: 'S',
  States: { S: ['Succeed', 'Fail'].includes(state.Type) ? state : { End: true, ...state } },
  ...extra,
});

export const LAMBDA = 'arn:aws:states:::lambda:invoke';
export const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
