import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { restApiSpecs } from '../../local/apigateway/specs';
import { StackModel } from '../../local/cloudformation/model';
import type { CfnTemplate } from '../../local/cloudformation/template';
import { synthShop } from '../support/synth';

const openApi = parse(readFileSync(join(__dirname, '..', '..', 'openapi.yaml'), 'utf8')) as {
  openapi: string;
  security: unknown[];
  paths: Record<string, Record<string, { security?: unknown[] }>>;
};
const model = new StackModel(synthShop().toJSON() as CfnTemplate, {
  region: 'us-east-1',
  accountId: '000000000000',
  stackName: 'ServerlessShop',
});
const [api] = restApiSpecs(model);

const routes = api!.resources.flatMap((resource) =>
  [...resource.methods.entries()]
    .filter(([method]) => method !== 'OPTIONS')
    .map(([method, spec]) => ({ route: `${method} ${resource.path}`, secured: Boolean(spec.authorizer) })),
);

test('openapi.yaml documents exactly the routes of the stack', () => {
  const documented = Object.entries(openApi.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
  expect(openApi.openapi).toMatch(/^3\./);
  expect(documented.sort()).toEqual(routes.map((r) => r.route).sort());
});

test('openapi.yaml marks as public exactly the routes without the authorizer', () => {
  for (const { route, secured } of routes) {
    const [method, path] = route.split(' ') as [string, string];
    const operation = openApi.paths[path]![method.toLowerCase()]!;
    const security = operation.security ?? openApi.security;
    expect({ route, public: security.length === 0 }).toEqual({ route, public: !secured });
  }
});
