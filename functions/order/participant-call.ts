import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { logger } from '#shared/observability';
import { taskHandler } from '#shared/handler';
import { parseTask } from '#shared/schemas';
import * as z from '#shared/zod';
import type { CircuitBreaker, CircuitState, Classify } from './circuit';
import { type Circuit, CIRCUITS } from './circuit-names';

// The saga's call of a participant's action through the action's circuit. The participant's own errors
// keep their names (PaymentDeclined, OutOfStock, DeliveryUnavailable route the saga's Catch clauses as
// before); only infrastructure failures count against the circuit.

/** The participants' business answers: they mean the service works, so they never open a circuit. */
export const BUSINESS_ERRORS: ReadonlySet<string> = new Set(['PaymentDeclined', 'OutOfStock', 'DeliveryUnavailable']);

/** The log line that names the participant's invocation (`participant.functionName`, `participant.requestId`). */
export const PARTICIPANT_INVOKED = 'Participant invoked';

/**
 * What the step keeps of its own time for the circuit's bookkeeping once its call has given up: the
 * conditional write of the outcome, and a transition's announcement (two tries of at most 1 s each).
 */
export const SETTLE_MARGIN_MS = 2_500;

/** The participant did not answer before the step's own deadline: counted as a failure, like a timeout. */
export class ParticipantTimeout extends Error {
  override readonly name = 'ParticipantTimeout';
  constructor(functionName: string, waitedMs: number) {
    super(`${functionName} did not answer within ${waitedMs} ms, the time the step had left`);
  }
}

/** A participant's error, as Lambda reported it, raised again under its own name. */
export class ParticipantError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Timeouts (`Sandbox.Timedout`, or the step's own deadline: `ParticipantTimeout`), crashes (`Runtime.*`),
 * throttles (`TooManyRequestsException`), 5xx (`ServiceException`, `ServiceUnavailable`) and a network
 * that fails all count; a business answer does not.
 */
export const classify: Classify = (error) =>
  error instanceof Error && BUSINESS_ERRORS.has(error.name) ? 'answer' : 'failure';

interface LambdaErrorPayload {
  errorType?: string;
  errorMessage?: string;
}

const decode = (payload: Uint8Array | undefined): unknown => {
  const text = payload ? new TextDecoder().decode(payload) : '';
  return text ? (JSON.parse(text) as unknown) : null;
};

/** Invokes the participant as Step Functions' `lambda:invoke` would, and answers its result. */
export const invokeParticipant = async (
  lambda: LambdaClient,
  functionName: string,
  input: unknown,
  signal?: AbortSignal,
) => {
  let response: InvokeCommandOutput;
  try {
    response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(input)) }),
      { abortSignal: signal },
    );
  } catch (error) {
    const requestId = (error as { $metadata?: { requestId?: string } }).$metadata?.requestId;
    logger.warn(PARTICIPANT_INVOKED, { participant: { functionName, requestId, error: (error as Error).name } });
    throw error;
  }
  // The participant's invocation, by its request id: the console follows it from the step to its lines.
  const { requestId } = response.$metadata;
  logger.info(PARTICIPANT_INVOKED, {
    participant: { functionName, requestId, ...(response.FunctionError && { functionError: response.FunctionError }) },
  });
  const payload = decode(response.Payload);
  if (response.FunctionError) {
    const { errorType, errorMessage } = (payload ?? {}) as LambdaErrorPayload;
    throw new ParticipantError(errorType ?? 'Lambda.Unknown', errorMessage ?? response.FunctionError);
  }
  return payload;
};

/**
 * How a participant is invoked: Lambda's Invoke in the function; in-process in the saga's tests. The
 * signal aborts the call when the step's time runs out.
 */
export type InvokeParticipant = (functionName: string, input: unknown, signal: AbortSignal) => Promise<unknown>;

export const lambdaInvoker =
  (lambda: LambdaClient): InvokeParticipant =>
  (functionName, input, signal) =>
    invokeParticipant(lambda, functionName, input, signal);

/**
 * The call, given up with ParticipantTimeout after `ms`. Without this deadline, a participant slower
 * than the step (queued, a cold start, its own timeout) would outlast the step's function: Lambda would
 * end it before the circuit heard of the failure, and a probe would hold its lease to the end.
 */
export const withDeadline = async <T>(
  functionName: string,
  ms: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> => {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        controller.abort();
        reject(new ParticipantTimeout(functionName, ms));
      },
      Math.max(0, ms),
    );
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
};

export const CallInput = z.object({
  circuit: z.enum(Object.keys(CIRCUITS) as [Circuit, ...Circuit[]]),
  input: z.unknown(),
});

/** Saga step: a participant's action through its circuit; CircuitOpen while the circuit is open. */
export const makeCallParticipant = (
  breaker: CircuitBreaker,
  invoke: InvokeParticipant,
  functions: Record<Circuit, string>,
  /** After each call, the state the circuit was seen in (a metric: the dashboard's line, the alarm's data). */
  report?: (circuit: Circuit, state: CircuitState) => void,
) =>
  taskHandler(async (event: unknown, context) => {
    const { circuit, input } = parseTask(CallInput, event);
    const functionName = functions[circuit];
    const remaining = context.getRemainingTimeInMillis();
    const budget = remaining - SETTLE_MARGIN_MS;
    try {
      return await breaker.call(
        circuit,
        () => withDeadline(functionName, budget, (signal) => invoke(functionName, input, signal)),
        classify,
        remaining,
      );
    } finally {
      const state = breaker.known(circuit);
      if (state) report?.(circuit, state);
    }
  });
