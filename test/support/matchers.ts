/**
 * Jest's asymmetric matchers, for use inside an expected object or array. Jest types them `any`, so
 * that they fit any expected shape; these are the same matchers, typed `unknown`: a value to compare
 * against, never one to read.
 */
export const match = {
  any: (type: unknown): unknown => expect.any(type),
  stringMatching: (pattern: string | RegExp): unknown => expect.stringMatching(pattern),
  stringContaining: (text: string): unknown => expect.stringContaining(text),
  objectContaining: (object: Record<string, unknown>): unknown => expect.objectContaining(object),
};
