import type { ExecutionRecord } from './executions';
import type { RedriveStatus } from './redrive';

/** EventBridge's source and detail-type of the events Step Functions sends on each status change. */
export const STATUS_CHANGE_SOURCE = 'aws.states';
export const STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';

/** EventBridge's limit on an event: past it Step Functions leaves out the input, then the output. */
const PAYLOAD_LIMIT = 248 * 1024;

export interface StatusChangeDetail {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionRecord['status'];
  startDate: number;
  stopDate: number | null;
  input: string | null;
  inputDetails: { included: boolean };
  output: string | null;
  outputDetails: { included: boolean } | null;
  error: string | null;
  cause: string | null;
  redriveCount: number;
  redriveDate: number | null;
  redriveStatus: RedriveStatus;
  redriveStatusReason: string | null;
}

/**
 * The `detail` of a "Step Functions Execution Status Change" event, as Step Functions sends it for a
 * Standard workflow: dates in epoch milliseconds, absent values as null, the input and output as
 * JSON text (left out, with `included: false`, when the two together exceed EventBridge's limit).
 */
export const statusChangeDetail = (
  record: ExecutionRecord,
  payload: { input: string; output?: string },
  redrive: { status: RedriveStatus; reason?: string },
): StatusChangeDetail => {
  const output = payload.output ?? null;
  const outputFits = output === null || output.length <= PAYLOAD_LIMIT;
  const inputFits = payload.input.length + (outputFits ? (output?.length ?? 0) : 0) <= PAYLOAD_LIMIT;
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: record.startDate,
    stopDate: record.stopDate ?? null,
    input: inputFits ? payload.input : null,
    inputDetails: { included: inputFits },
    output: outputFits ? output : null,
    outputDetails: output === null ? null : { included: outputFits },
    error: record.error ?? null,
    cause: record.cause ?? null,
    redriveCount: record.redriveCount,
    redriveDate: record.redriveDate ?? null,
    redriveStatus: redrive.status,
    redriveStatusReason: redrive.reason ?? null,
  };
};
