import type { StackModel } from '../cloudformation/model';
import { type AslDefinition, type AslRetrier, type AslState, nestedDefinitions } from './asl';

export interface StateMachineSpec {
  logicalId: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  roleArn: string;
  definition: string;
  creationDate: number;
  /** When UpdateStateMachine last changed it. */
  updateDate?: number;
}

/** The state machines of the template, with every placeholder of DefinitionSubstitutions resolved. */
export const stateMachineSpecs = (model: StackModel): StateMachineSpec[] =>
  model.ofType('AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    let definition =
      p.DefinitionString !== undefined
        ? String(model.resolve(p.DefinitionString))
        : JSON.stringify(model.resolve(p.Definition));
    const substitutions = model.resolve(p.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
    definition = definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, key: string) =>
      key in substitutions ? String(substitutions[key]) : match,
    );
    const unresolved = /\$\{([A-Za-z0-9_]+)\}/.exec(definition);
    if (unresolved)
      throw new Error(`State machine ${logicalId}: placeholder ${unresolved[0]} has no DefinitionSubstitutions entry`);
    return {
      logicalId,
      name: model.physicalName(logicalId),
      arn: model.ref(logicalId),
      type: p.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      roleArn: p.RoleArn ? String(model.resolve(p.RoleArn)) : '',
      definition,
      creationDate: Date.now(),
    };
  });

/** Every Task state of a definition, including those inside Map and Parallel states. */
export const taskStates = (definition: AslDefinition): [string, AslState][] =>
  Object.entries(definition.States).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, AslState]] : []),
    ...nestedDefinitions(state).flatMap(taskStates),
  ]);

const scaleRetrier = (retrier: AslRetrier, scale: number): AslRetrier => ({
  ...retrier,
  IntervalSeconds: (retrier.IntervalSeconds ?? 1) * scale,
  ...(retrier.MaxDelaySeconds !== undefined && { MaxDelaySeconds: retrier.MaxDelaySeconds * scale }),
});

const scaleStates = (definition: AslDefinition, scale: number): AslDefinition => ({
  ...definition,
  States: Object.fromEntries(
    Object.entries(definition.States).map(([name, state]) => [
      name,
      {
        ...state,
        ...(state.Retry && { Retry: state.Retry.map((retrier) => scaleRetrier(retrier, scale)) }),
        ...(state.Iterator && { Iterator: scaleStates(state.Iterator, scale) }),
        ...(state.ItemProcessor && { ItemProcessor: scaleStates(state.ItemProcessor, scale) }),
        ...(state.Branches && { Branches: state.Branches.map((branch) => scaleStates(branch, scale)) }),
      },
    ]),
  ),
});

/**
 * The definition with every retrier's interval and maximum delay multiplied by `scale`: 0 retries at
 * once (tests), 1 waits as written. Backoff rate and jitter keep their shape.
 */
export const scaleRetryIntervals = (definition: AslDefinition, scale: number): AslDefinition =>
  scale === 1 ? definition : scaleStates(definition, scale);
