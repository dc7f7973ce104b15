import type { StackModel } from '../cloudformation/model';

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
  /** X-Ray tracing (`TracingConfiguration.Enabled`): an execution started without a trace header starts a trace. */
  tracingEnabled?: boolean;
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
      ...(String(model.resolve((p.TracingConfiguration as { Enabled?: unknown } | undefined)?.Enabled)) === 'true' && {
        tracingEnabled: true,
      }),
    };
  });
