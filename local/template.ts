import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The parts of a CloudFormation template the local tools read. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
}

export const resourcesOfType = (template: CfnTemplate, type: string): [string, CfnResource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** CreateTable input for an AWS::DynamoDB::Table, under the given name. */
export const createTableInput = (resource: CfnResource, tableName: string): CreateTableCommandInput => {
  const p = resource.Properties ?? {};
  const indexes = (p.GlobalSecondaryIndexes ?? []) as Record<string, any>[];
  return {
    TableName: tableName,
    AttributeDefinitions: p.AttributeDefinitions,
    KeySchema: p.KeySchema,
    BillingMode: 'PAY_PER_REQUEST',
    ...(indexes.length > 0 && {
      GlobalSecondaryIndexes: indexes.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })),
    }),
  };
};

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
