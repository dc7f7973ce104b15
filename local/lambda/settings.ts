// The local Lambda runtime's own settings, from the environment of `npm start`: how long a warm
// environment is kept idle (SHOP_LAMBDA_IDLE_TIMEOUT, seconds; 60 by default) and how many
// environments all functions may have together (SHOP_LAMBDA_MAX_WORKERS; 24 by default).

const whole = (
  environment: Record<string, string | undefined>,
  name: string,
  { min, max, unit }: { min: number; max: number; unit: string },
  fail: (message: string) => never,
): number | undefined => {
  const raw = environment[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    fail(`${raw} is not a whole number of ${unit} from ${min} to ${max} (${name})`);
  return value;
};

/** The settings the environment gives; none for those it leaves out. */
export const lambdaSettings = (
  environment: Record<string, string | undefined>,
  fail: (message: string) => never,
): { lambdaIdleTimeoutMs?: number; lambdaMaxWorkers?: number } => {
  const idle = whole(environment, 'SHOP_LAMBDA_IDLE_TIMEOUT', { min: 1, max: 3600, unit: 'seconds' }, fail);
  const workers = whole(environment, 'SHOP_LAMBDA_MAX_WORKERS', { min: 1, max: 256, unit: 'workers' }, fail);
  return {
    ...(idle !== undefined && { lambdaIdleTimeoutMs: idle * 1000 }),
    ...(workers !== undefined && { lambdaMaxWorkers: workers }),
  };
};
