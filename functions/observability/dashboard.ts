import { CloudWatchClient, DeleteDashboardsCommand, PutDashboardCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudFormationCustomResourceEvent, CloudFormationCustomResourceResponse } from 'aws-lambda';
import { logger } from '#shared/observability';

const cloudwatch = new CloudWatchClient({});

export interface DashboardProperties {
  DashboardName: string;
  DashboardBody: string;
}

/** Tells CloudFormation the outcome: a PUT of the response document to the presigned URL it gave. */
export const respond = async (
  event: CloudFormationCustomResourceEvent,
  response: Pick<CloudFormationCustomResourceResponse, 'Status' | 'Reason' | 'PhysicalResourceId'>,
): Promise<void> => {
  const body = JSON.stringify({
    ...response,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
  });
  const result = await fetch(event.ResponseURL, {
    method: 'PUT',
    body,
    headers: { 'content-type': '' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!result.ok) throw new Error(`CloudFormation's response URL answered HTTP ${result.status}`);
};

/**
 * The dashboard as a CloudFormation custom resource, for targets whose CloudFormation has no
 * AWS::CloudWatch::Dashboard provider (LocalStack): the same body, put with PutDashboard.
 */
export const handler = async (event: CloudFormationCustomResourceEvent): Promise<void> => {
  const { DashboardName, DashboardBody } = event.ResourceProperties as unknown as DashboardProperties & {
    ServiceToken: string;
  };
  try {
    if (event.RequestType === 'Delete') {
      await cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [event.PhysicalResourceId] }));
    } else {
      await cloudwatch.send(new PutDashboardCommand({ DashboardName, DashboardBody }));
      if (event.RequestType === 'Update' && event.PhysicalResourceId !== DashboardName) {
        // A renamed dashboard replaces the old one.
        await cloudwatch.send(new DeleteDashboardsCommand({ DashboardNames: [event.PhysicalResourceId] }));
      }
    }
    await respond(event, {
      Status: 'SUCCESS',
      PhysicalResourceId: event.RequestType === 'Delete' ? event.PhysicalResourceId : DashboardName,
    });
  } catch (error) {
    logger.error('Dashboard request failed', { requestType: event.RequestType, error: error as Error });
    // A failed delete must not block the stack's deletion: the dashboard may never have been made.
    const status = event.RequestType === 'Delete' ? 'SUCCESS' : 'FAILED';
    await respond(event, {
      Status: status,
      Reason: (error as Error).message.slice(0, 200),
      PhysicalResourceId: 'PhysicalResourceId' in event ? event.PhysicalResourceId : DashboardName,
    });
  }
};
