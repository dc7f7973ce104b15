import { stateMachineSpecs } from '../../local/stepfunctions';
import { StackModel, type CfnTemplate } from '../../local/template';
import { synthShop } from '../support/synth';

// Parity checks that need no Docker: what a deploy target would reject or mis-wire is found here.

const template = synthShop().toJSON() as CfnTemplate;
const model = new StackModel(template, { region: 'us-east-1', accountId: '000000000000', stackName: 'ServerlessShop' });

test('every ${…} placeholder of every state machine has a DefinitionSubstitutions entry', () => {
  const specs = stateMachineSpecs(model);
  expect(specs.length).toBeGreaterThan(0);
  for (const spec of specs) expect(spec.definition).not.toMatch(/\$\{[A-Za-z0-9_]+\}/);
});

test('every Lambda environment variable resolves: each Ref and GetAtt names a resource of the stack', () => {
  const functions = model.ofType('AWS::Lambda::Function');
  expect(functions.length).toBeGreaterThan(0);
  for (const [logicalId, resource] of functions) {
    const variables = model.resolve(resource.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(variables)) {
      expect({ function: logicalId, variable: name, type: typeof value }).toEqual({ function: logicalId, variable: name, type: 'string' });
    }
  }
});
