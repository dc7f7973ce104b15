// The chaos API's rule, as types only and with no imports, so that a client (the console) can take
// it without bundling anything of the local cloud. faults.ts checks and applies these rules.

/**
 * The service a fault targets, by the name the local cloud's registry gives it: `lambda` (a function),
 * or the operations of `dynamodb`, `sns`, `states` (Step Functions), and any service added later.
 */
export type FaultService = string;

/**
 * What a fault does. `error`: the call fails with the named error (for a function, as if it threw
 * it, before it runs). `timeout`: the work is done but the answer never comes (a function is held
 * until its timeout, `Sandbox.Timedout`; a DynamoDB request is forwarded and its answer dropped).
 * `crash`: a function runs and its worker dies before answering (`Runtime.ExitError`); a DynamoDB
 * connection is reset. `latency`: the call is delayed.
 */
export type FaultEffect = 'error' | 'timeout' | 'crash' | 'latency';

/** A fault rule as LocalStack's Chaos API has it (service, region, operation, probability, error), plus ours. */
export interface FaultRule {
  id: string;
  service: FaultService;
  /** An operation name (`TransactWriteItems`, `Publish`, `StartExecution`, `Invoke`); every one when absent. */
  operation?: string;
  /** For `lambda`: the function, by name, logical id, logical id without CDK's hash, or ARN. */
  function?: string;
  /** For `dynamodb`: the table, by name; a call fires it when it reads or writes that table. */
  table?: string;
  region?: string;
  effect: FaultEffect;
  error?: { code: string; statusCode?: number; message?: string };
  latencyMs?: number;
  /** Fires with this probability (default 1). */
  probability: number;
  /** Fires on the next N matching calls only; unlimited when absent. */
  remaining?: number;
  /** How many times it has fired. */
  injected: number;
  createdAt: number;
}
