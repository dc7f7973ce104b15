import { ServiceError } from '../support/errors';
import type { Json } from './engine/types';

/** TestState's `mock`: a Task's result or error instead of the call, and how strictly a result is checked. */
export interface Mock {
  result?: string;
  errorOutput?: { error?: string; cause?: string };
  fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE';
}

type FieldType = 'string' | 'number' | 'object' | 'array' | 'any';

/** The fields of each optimized integration's result, and which a STRICT check requires. */
const SHAPES: Record<string, { fields: Record<string, FieldType>; required: string[] }> = {
  'arn:aws:states:::lambda:invoke': {
    fields: {
      ExecutedVersion: 'string',
      FunctionError: 'string',
      LogResult: 'string',
      Payload: 'any',
      StatusCode: 'number',
      SdkHttpMetadata: 'object',
      SdkResponseMetadata: 'object',
    },
    required: [],
  },
  'arn:aws:states:::sns:publish': {
    fields: { MessageId: 'string', SequenceNumber: 'string', SdkHttpMetadata: 'object', SdkResponseMetadata: 'object' },
    required: [],
  },
  'arn:aws:states:::events:putEvents': { fields: { Entries: 'array', FailedEntryCount: 'number' }, required: [] },
  'arn:aws:states:::dynamodb:getItem': { fields: { Item: 'object', ConsumedCapacity: 'object' }, required: [] },
  'arn:aws:states:::dynamodb:putItem': {
    fields: { Attributes: 'object', ConsumedCapacity: 'object', ItemCollectionMetrics: 'object' },
    required: [],
  },
  'arn:aws:states:::dynamodb:updateItem': {
    fields: { Attributes: 'object', ConsumedCapacity: 'object', ItemCollectionMetrics: 'object' },
    required: [],
  },
  'arn:aws:states:::dynamodb:deleteItem': {
    fields: { Attributes: 'object', ConsumedCapacity: 'object', ItemCollectionMetrics: 'object' },
    required: [],
  },
};

const typeOf = (value: Json): FieldType =>
  Array.isArray(value) ? 'array' : value === null ? 'any' : (typeof value as FieldType);

const invalid = (message: string) =>
  new ServiceError('ValidationException', `Mock result schema validation error: ${message}`);

/**
 * A mocked result, checked against the integration's result shape: STRICT (the default) refuses a
 * field the API does not return and a field of the wrong type; PRESENT checks the types of the
 * fields present only; NONE takes any JSON. Results of other resources (a function ARN, an HTTP
 * task) are not checked.
 */
export const checkMock = (mock: Mock, resource: string): Json => {
  let result: Json;
  try {
    result = JSON.parse(mock.result!) as Json;
  } catch {
    throw new ServiceError('ValidationException', 'The mock result is not valid JSON');
  }
  const mode = mock.fieldValidationMode ?? 'STRICT';
  const shape = SHAPES[resource];
  if (mode === 'NONE' || !shape) return result;
  if (typeof result !== 'object' || result === null || Array.isArray(result))
    throw invalid('the result must be a JSON object');
  for (const [field, value] of Object.entries(result)) {
    const expected = shape.fields[field];
    if (!expected) {
      if (mode === 'STRICT') throw invalid(`the field '${field}' is not in the API's response`);
      continue;
    }
    if (expected !== 'any' && value !== null && typeOf(value) !== expected)
      throw invalid(`the field '${field}' must be of type ${expected}`);
  }
  for (const field of shape.required) if (!(field in result)) throw invalid(`the field '${field}' is required`);
  return result;
};
