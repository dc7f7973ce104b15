import type { StackModel } from '../cloudformation/model';

export interface StateMachineSpec {
  logicalId: string;
  name: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  roleArn: string;
  definition: string;
  creationDate: number;
}

/** The state machines of the template, with every placeholder of DefinitionSubstitutions resolved. */
export const stateMachineSpecs = (model: StackModel): StateMachineSpec[] =>
  model.ofType('AWS::StepFunctions::StateMachine').map(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    let definition = p.DefinitionString !== undefined ? String(model.resolve(p.DefinitionString)) : JSON.stringify(model.resolve(p.Definition));
    const substitutions = model.resolve(p.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
    definition = definition.replace(/\$\{([A-Za-z0-9_]+)\}/g, (match, key: string) => (key in substitutions ? String(substitutions[key]) : match));
    const unresolved = /\$\{([A-Za-z0-9_]+)\}/.exec(definition);
    if (unresolved) throw new Error(`State machine ${logicalId}: placeholder ${unresolved[0]} has no DefinitionSubstitutions entry`);
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
export const taskStates = (definition: { States: Record<string, any> }): [string, any][] =>
  Object.entries(definition.States).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, any]] : []),
    ...(state.Iterator ? taskStates(state.Iterator) : []),
    ...(state.ItemProcessor ? taskStates(state.ItemProcessor) : []),
    ...((state.Branches ?? []) as any[]).flatMap((branch) => taskStates(branch)),
  ]);

/**
 * The definition with every retrier's interval and maximum delay multiplied by `scale`: 0 retries at
 * once (tests), 1 waits as written. Backoff rate and jitter keep their shape.
 */
export const scaleRetryIntervals = <D extends { States: Record<string, any> }>(definition: D, scale: number): D => {
  if (scale === 1) return definition;
  const scaleStates = (states: Record<string, any>): Record<string, any> =>
    Object.fromEntries(
      Object.entries(states).map(([name, state]) => [
        name,
        {
          ...state,
          ...(state.Retry && {
            Retry: state.Retry.map((r: Record<string, number>) => ({
              ...r,
              IntervalSeconds: (r.IntervalSeconds ?? 1) * scale,
              ...(r.MaxDelaySeconds !== undefined && { MaxDelaySeconds: r.MaxDelaySeconds * scale }),
            })),
          }),
          ...(state.Iterator && { Iterator: { ...state.Iterator, States: scaleStates(state.Iterator.States) } }),
          ...(state.ItemProcessor && { ItemProcessor: { ...state.ItemProcessor, States: scaleStates(state.ItemProcessor.States) } }),
          ...(state.Branches && { Branches: state.Branches.map((b: any) => ({ ...b, States: scaleStates(b.States) })) }),
        },
      ]),
    );
  return { ...definition, States: scaleStates(definition.States) };
};
