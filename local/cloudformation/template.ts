/** The parts of a CloudFormation template the local cloud reads. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
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
    for (const [variable, value] of Object.entries<any>(fn.Properties?.Environment?.Variables ?? {})) {
      const ref = value?.Ref;
      if (typeof ref === 'string' && template.Resources[ref]?.Type === 'AWS::DynamoDB::Table') bindings.set(variable, ref);
    }
  }
  return bindings;
};
