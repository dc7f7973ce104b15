import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The HTTP contract as openapi.yaml states it: every response the e2e suite gets is checked against
 * the documented response for its operation and status, so the document cannot drift from the API.
 */
interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

export const OPENAPI_PATH = join(__dirname, '..', '..', 'openapi.yaml');
export const openApi = parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApi;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openApi, 'openapi');

const pointer = (...tokens: string[]) =>
  tokens.map((t) => encodeURIComponent(t.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

const templates = Object.keys(openApi.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/** The documented operation for a request, if the path is one of the API's. */
export const operationFor = (method: string, path: string): { template: string; operation: Operation } | undefined => {
  const bare = path.split('?')[0]!;
  const match = templates.find(({ pattern }) => pattern.test(bare));
  const operation = match && openApi.paths[match.template]![method.toLowerCase()];
  return operation && { template: match.template, operation };
};

/**
 * Throws when a response of a documented operation is not what openapi.yaml says: an undocumented
 * status, or a body that does not fit the schema. Paths outside the API are left to the tests.
 */
export const assertMatchesContract = (
  method: string,
  path: string,
  status: number,
  contentType: string | null,
  body: unknown,
): void => {
  const found = operationFor(method, path);
  if (!found) return;
  const { responses } = found.operation;
  const code = [String(status), `${String(status)[0]}XX`, 'default'].find((c) => responses[c]);
  const where = `${method} ${found.template} → ${status}`;
  if (!code)
    throw new Error(`${where} is not documented in openapi.yaml (documented: ${Object.keys(responses).join(', ')})`);
  if (!responses[code]!.content) return;
  if (!contentType?.startsWith('application/json'))
    throw new Error(`${where} answered ${contentType ?? 'no content type'}, openapi.yaml says application/json`);
  const ref = `openapi#/${pointer('paths', found.template, method.toLowerCase(), 'responses', code, 'content', 'application/json', 'schema')}`;
  const validate = ajv.getSchema(ref);
  if (!validate) throw new Error(`${where}: no schema at ${ref}`);
  if (!validate(body)) {
    throw new Error(
      `${where} does not match openapi.yaml: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  }
};
