import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import { type Endpoints, sdkConfig } from './client';

const START_LINE = /^START RequestId: (\S+)/;

/**
 * The environment each invocation of a function ran in, since `since`: Lambda writes one log stream per
 * environment, and its `START RequestId: …` line names the invocation. Read through the CloudWatch
 * Logs API on the edge, as `aws logs filter-log-events` would.
 */
export const environmentsOf = async (
  endpoints: Endpoints,
  functionName: string,
  since: number,
): Promise<Map<string, string>> => {
  const logs = new CloudWatchLogsClient(sdkConfig(endpoints));
  try {
    const { logGroups = [] } = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${functionName}` }),
    );
    const environmentOf = new Map<string, string>();
    const group = logGroups[0]?.logGroupName;
    if (!group) return environmentOf;
    const pages = paginateFilterLogEvents(
      { client: logs },
      { logGroupName: group, filterPattern: '"START RequestId"', startTime: since },
    );
    for await (const page of pages)
      for (const event of page.events ?? []) {
        const requestId = START_LINE.exec(event.message ?? '')?.[1];
        if (requestId && event.logStreamName) environmentOf.set(requestId, event.logStreamName);
      }
    return environmentOf;
  } finally {
    logs.destroy();
  }
};
