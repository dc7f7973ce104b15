import { StackModel } from '../cloudformation/model';
import type { CfnTemplate } from '../cloudformation/template';
import type { StepFunctionsService } from './service';
import { stateMachineSpecs } from './specs';

const DEFINITION_FIELDS = ['DefinitionString', 'Definition', 'DefinitionSubstitutions'];

const without = (record: Record<string, unknown> | undefined, keys: string[]) =>
  Object.fromEntries(Object.entries(record ?? {}).filter(([key]) => !keys.includes(key)));

/**
 * The template with the state machines' definitions taken out, and the functions' asset names (a
 * bundle's hash moves with its path; the code itself is hot reload's, from the sources): what must be
 * the same for an update in place.
 */
const withoutDefinitions = (template: CfnTemplate): string =>
  JSON.stringify({
    ...template,
    Resources: Object.fromEntries(
      Object.entries(template.Resources ?? {}).map(([id, resource]) => {
        if (resource.Type === 'AWS::StepFunctions::StateMachine')
          return [id, { ...resource, Properties: without(resource.Properties, DEFINITION_FIELDS) }];
        if (resource.Type === 'AWS::Lambda::Function')
          return [
            id,
            {
              ...resource,
              Properties: without(resource.Properties, ['Code']),
              Metadata: without(resource.Metadata, ['aws:asset:path']),
            },
          ];
        return [id, resource];
      }),
    ),
  });

/**
 * A new template that differs from the running one only in state machine definitions (an edit of
 * `statemachines/*.asl.json`) is applied as UpdateStateMachine, as `cdk deploy` does on AWS: no
 * restart, the executions under way keep the definition they started with. Answers the names of the
 * machines updated, or undefined when the template changed otherwise (the cloud restarts for it). A
 * definition that does not validate throws InvalidDefinition, and nothing is updated.
 */
export const updateDefinitionsInPlace = (
  service: StepFunctionsService,
  running: string,
  next: string,
  place: { region: string; accountId: string; stackName: string },
): string[] | undefined => {
  const before = JSON.parse(running) as CfnTemplate;
  const after = JSON.parse(next) as CfnTemplate;
  if (withoutDefinitions(before) !== withoutDefinitions(after)) return undefined;
  const changed = stateMachineSpecs(new StackModel(after, place)).filter(
    (spec) => service.machines.get(spec.arn)?.spec.definition !== spec.definition,
  );
  // All validated before any is applied: one that does not validate leaves every machine as it was.
  for (const spec of changed) service.machines.check(spec.definition);
  for (const spec of changed) service.machines.update(spec.arn, { definition: spec.definition });
  return changed.map((spec) => spec.name);
};
