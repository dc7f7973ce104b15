import type { StackModel } from '../cloudformation/model';
import type { LogGroupSpec } from './store';

/** A function's log group as Lambda names it when nothing else does. */
export const defaultLogGroup = (functionName: string): string => `/aws/lambda/${functionName}`;

const retentionOf = (properties: Record<string, unknown> | undefined, model: StackModel): number | undefined => {
  const days = Number(model.resolve(properties?.RetentionInDays));
  return Number.isFinite(days) && days > 0 ? days : undefined;
};

/**
 * The template's log groups: each function's (`/aws/lambda/<function name>`, or the `LogGroupName` of
 * the `AWS::Logs::LogGroup` its `LoggingConfig` names), with that group's `RetentionInDays`; and every
 * other `AWS::Logs::LogGroup` that has a name of its own. `byFunction` maps a function's name to its group.
 */
export const logGroupSpecs = (model: StackModel): { groups: LogGroupSpec[]; byFunction: Map<string, string> } => {
  const groups = new Map<string, LogGroupSpec>();
  const byFunction = new Map<string, string>();
  const attached = new Set<string>();
  for (const [logicalId, resource] of model.ofType('AWS::Lambda::Function')) {
    const functionName = model.physicalName(logicalId);
    const loggingConfig = resource.Properties?.LoggingConfig as { LogGroup?: unknown } | undefined;
    const reference = loggingConfig?.LogGroup === undefined ? undefined : model.resolve(loggingConfig.LogGroup);
    const groupId = typeof reference === 'string' ? model.findByRef('AWS::Logs::LogGroup', reference) : undefined;
    const properties = groupId ? model.resource(groupId).Properties : undefined;
    if (groupId) attached.add(groupId);
    const name =
      properties?.LogGroupName !== undefined
        ? String(model.resolve(properties.LogGroupName))
        : typeof reference === 'string' && !groupId
          ? reference
          : defaultLogGroup(functionName);
    groups.set(name, { name, retentionInDays: retentionOf(properties, model) });
    byFunction.set(functionName, name);
  }
  for (const [logicalId, resource] of model.ofType('AWS::Logs::LogGroup')) {
    if (attached.has(logicalId) || resource.Properties?.LogGroupName === undefined) continue;
    const name = String(model.resolve(resource.Properties.LogGroupName));
    groups.set(name, { name, retentionInDays: retentionOf(resource.Properties, model) });
  }
  return { groups: [...groups.values()], byFunction };
};
