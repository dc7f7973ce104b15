import { join } from 'node:path';
import type { StackModel } from '../cloudformation/model';
import type { Stops } from '../lifecycle';
import type { LogHub } from './hub';
import { FileJournal } from './journal';
import { LambdaLogs } from './lambda-logs';
import { logGroupSpecs } from './specs';
import type { LogsContext } from './operations';
import { LogStore } from './store';

/** How often retention and the size cap are applied, beside the cap's check on each write. */
const SWEEP_MS = 60_000;

/**
 * CloudWatch Logs for the functions: the template's log groups, each invocation's lines and
 * START/END/REPORT from the log hub, kept in `<dataDir>/logs` (nothing kept without a data directory).
 */
export const startLogs = (
  context: {
    model: StackModel;
    options: { dataDir?: string };
    region: string;
    accountId: string;
    log: (message: string) => void;
    stops: Stops;
  },
  hub: LogHub,
): LogsContext => {
  const { model, options, region, accountId, log, stops } = context;
  const dataDir = options.dataDir;
  const { groups, byFunction } = logGroupSpecs(model);
  const journal = dataDir
    ? new FileJournal(join(dataDir, 'logs'), (error) => log(`logs: writing failed: ${error.message}`))
    : undefined;
  const store = new LogStore(groups, { journal });
  const lambda = new LambdaLogs(store, byFunction);
  hub.subscribe({ output: (output) => lambda.output(output), invocation: (report) => lambda.report(report) });
  const sweep = setInterval(() => store.enforce(), SWEEP_MS).unref();
  stops.add(() => {
    clearInterval(sweep);
    return store.close();
  });
  return { store, region, accountId };
};
