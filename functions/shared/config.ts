import { getStringFromEnv } from '@aws-lambda-powertools/commons/utils/env';

/** Reads a required environment variable once, at module scope, and fails fast when it is missing. */
export const env = (key: string): string =>
  getStringFromEnv({ key, errorMessage: `Environment variable ${key} is required` });

/** Reads an optional environment variable with a default. */
export const envOr = (key: string, defaultValue: string): string => getStringFromEnv({ key, defaultValue });
