import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IntegrationTargets } from '../local/stepfunctions/integrations';
import { validateDefinition } from '../local/stepfunctions/engine/validate';
import { StepFunctionsService } from '../local/stepfunctions/service';
import { median, round1 } from './lib/stats';

export interface EngineFigure {
  executions: number;
  /** State transitions (StateEntered events) per execution of the saga's happy path. */
  transitionsPerExecution: number;
  /** An execution of the saga from StartExecution to its end, every Task answered at once: the engine alone. */
  executionMs: number;
  transitionMs: number;
  /** Executions per second on one core, run one after another. */
  executionsPerSecond: number;
  /** ValidateStateMachineDefinition of the saga, its schemas compiled (the median of 20). */
  validationMs: number;
}

const SAGA = join(__dirname, '..', 'statemachines', 'order-saga.asl.json');
const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:BenchSaga';

/** Every Task answered at once, as the saga's participants would on its happy path. */
const instant: IntegrationTargets = {
  invokeLambda: () => Promise.resolve({ payload: { cancelled: true, released: true, refunded: true, amount: 0 } }),
  publish: () => ({ MessageId: 'm-1' }),
  dynamodb: () => Promise.resolve({}),
};

/** What validating the saga costs once the validator's schemas are compiled (the first call compiles them). */
const validationMs = (definition: string): number => {
  validateDefinition(definition);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    validateDefinition(definition);
    times.push(performance.now() - started);
  }
  return round1(median(times));
};

/**
 * The engine's own time: the shipped saga, its substitutions filled, run `executions` times in this
 * process on instant integrations (no Lambda, no DynamoDB), with its history recorded in memory as
 * the service records it. What is left of a saga's time in the cloud is the Tasks.
 */
export const measureEngine = async (executions: number): Promise<EngineFigure> => {
  const definition = readFileSync(SAGA, 'utf8').replace(
    /\$\{(\w+)\}/g,
    (_, name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
  );
  const service = new StepFunctionsService(
    [
      {
        logicalId: 'BenchSaga',
        name: 'BenchSaga',
        arn: ARN,
        type: 'STANDARD',
        roleArn: '',
        definition,
        creationDate: 0,
      },
    ],
    instant,
    { region: 'us-east-1' },
  );
  const input = JSON.stringify({
    orderId: 'o-1',
    userId: 'u-1',
    total: 1400,
    items: [{ sku: 'SKU-1', quantity: 2 }],
    delivery: { slotId: 's-1', address: '1 Test Street' },
  });
  const run = async (name: string) => {
    const started = performance.now();
    const { executionArn } = service.startExecution(ARN, name, input);
    const record = await service.finished(executionArn);
    if (record.status !== 'SUCCEEDED') throw new Error(`the bench saga ended ${record.status}: ${record.cause}`);
    return {
      ms: performance.now() - started,
      transitions: service.history(executionArn).filter((e) => e.type.endsWith('StateEntered')).length,
    };
  };
  for (let i = 0; i < 20; i++) await run(`warm-${i}`);
  const runs: { ms: number; transitions: number }[] = [];
  const started = performance.now();
  for (let i = 0; i < executions; i++) runs.push(await run(`run-${i}`));
  const elapsed = performance.now() - started;
  await service.close();
  const executionMs = median(runs.map((r) => r.ms));
  const transitions = runs[0]!.transitions;
  return {
    executions,
    validationMs: validationMs(definition),
    transitionsPerExecution: transitions,
    executionMs: round1(executionMs),
    transitionMs: Math.round((executionMs / transitions) * 1000) / 1000,
    executionsPerSecond: Math.round((executions / elapsed) * 1000),
  };
};
