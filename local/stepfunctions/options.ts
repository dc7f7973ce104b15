import type { ExecutionRecord } from './executions';
import type { HistoryEvent } from './history';
import type { StatusChangeDetail } from './status-events';
import type { TraceSink } from '../xray/spans';

/** How the local Step Functions runs (see StepFunctionsService). */
export interface StepFunctionsOptions {
  region: string;
  /** The account of the ARNs CreateStateMachine makes (default 000000000000). */
  accountId?: string;
  /** Where execution records and histories are kept across restarts; in memory when absent. */
  dataDir?: string;
  /** Multiplies every Retry interval: 0 retries at once (tests), 1 waits as the definition says (default). */
  retryIntervalScale?: number;
  onEvent?: (record: ExecutionRecord, event: HistoryEvent) => void;
  /**
   * Each change of an execution's status (started, succeeded, failed, timed out, aborted, redriven),
   * with the detail of its EventBridge event. Called at least once per change: a change made just
   * before a crash is announced again at the next start.
   */
  onStatusChange?: (record: ExecutionRecord, detail: StatusChangeDetail) => void;
  /** Where the executions' spans go (the local X-Ray); none: nothing is traced, headers only pass through. */
  traces?: TraceSink;
  /** The most executions open at once (AWS's quota: 1,000,000); past it StartExecution and RedriveExecution refuse. */
  maxRunning?: number;
}
