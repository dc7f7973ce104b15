import { LambdaClient } from '@aws-sdk/client-lambda';
import { documentClient } from '#shared/clients';
import { env } from '#shared/config';
import { taskHandler } from '#shared/handler';
import { parseTask } from '#shared/schemas';
import * as z from '#shared/zod';
import { CircuitBreaker } from './circuit';
import { circuitHooks, circuitSettings } from './circuit-settings';
import { DynamoCircuitStore } from './circuit-store';
import { callThroughCircuit } from './participant-call';

/** The participant actions that have a circuit, and the variable that names each one's function. */
export const CIRCUITS = {
  BillingPay: 'BILLING_PAY_FUNCTION',
  WarehouseReserve: 'WAREHOUSE_RESERVE_FUNCTION',
  DeliveryBook: 'DELIVERY_BOOK_FUNCTION',
} as const;
export type Circuit = keyof typeof CIRCUITS;

export const CallInput = z.object({
  circuit: z.enum(Object.keys(CIRCUITS) as [Circuit, ...Circuit[]]),
  input: z.unknown(),
});

const breaker = new CircuitBreaker(
  new DynamoCircuitStore(documentClient, env('CIRCUIT_TABLE')),
  circuitSettings(process.env),
  circuitHooks,
);
const lambda = new LambdaClient({});
const functions = Object.fromEntries(
  Object.entries(CIRCUITS).map(([circuit, variable]) => [circuit, env(variable)]),
) as Record<Circuit, string>;

/** Saga step: a participant's action through its circuit; CircuitOpen while the circuit is open. */
export const handler = taskHandler(async (event: unknown) => {
  const { circuit, input } = parseTask(CallInput, event);
  return callThroughCircuit(breaker, lambda, circuit, functions[circuit], input);
});
