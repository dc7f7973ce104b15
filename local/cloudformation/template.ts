/** The parts of a CloudFormation template the local cloud reads. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

/** A resource's properties, read as the shape its type documents (only the members the reader uses). */
export const propertiesOf = <T>(resource: CfnResource): Partial<T> => (resource.Properties ?? {}) as Partial<T>;

/** The environment of an AWS::Lambda::Function. */
export interface FunctionEnvironment {
  Environment: { Variables?: Record<string, unknown> };
}

export const resourcesOfType = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/**
 * Which environment variable of which function names which table: `{ Ref: <table> }` values in
 * Lambda environments. Answers variable → table logical id (the same variable always names the same table).
 */
export const tableBindings = (template: CfnTemplate): Map<string, string> => {
  const bindings = new Map<string, string>();
  for (const [, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    for (const [variable, value] of Object.entries(
      propertiesOf<FunctionEnvironment>(fn).Environment?.Variables ?? {},
    )) {
      const ref = (value as { Ref?: unknown } | null)?.Ref;
      if (typeof ref === 'string' && template.Resources[ref]?.Type === 'AWS::DynamoDB::Table')
        bindings.set(variable, ref);
    }
  }
  return bindings;
};

/** `OrderCreateOrder7834CB64` → `OrderCreateOrder`: the construct path without CDK's hash. */
export const shortName = (logicalId: string): string => logicalId.replace(/[0-9A-F]{8}$/, '');
