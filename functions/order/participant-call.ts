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

/** A participant's error, as Lambda reported it, raised again under its own name. */
export class ParticipantError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * Timeouts (`Sandbox.Timedout`), crashes (`Runtime.*`), throttles (`TooManyRequestsException`), 5xx
 * (`ServiceException`, `ServiceUnavailable`) and a network that fails all count; a business answer
 * does not.
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
export const invokeParticipant = async (lambda: LambdaClient, functionName: string, input: unknown) => {
  let response: InvokeCommandOutput;
  try {
    response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(input)) }),
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

/** How a participant is invoked: Lambda's Invoke in the function; in-process in the saga's tests. */
export type InvokeParticipant = (functionName: string, input: unknown) => Promise<unknown>;

export const lambdaInvoker =
  (lambda: LambdaClient): InvokeParticipant =>
  (functionName, input) =>
    invokeParticipant(lambda, functionName, input);

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
  taskHandler(async (event: unknown) => {
    const { circuit, input } = parseTask(CallInput, event);
    try {
      return await breaker.call(circuit, () => invoke(functions[circuit], input), classify);
    } finally {
      const state = breaker.known(circuit);
      if (state) report?.(circuit, state);
    }
  });
