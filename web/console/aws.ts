import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { XRayClient } from '@aws-sdk/client-xray';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { WebConfig } from '../shared/config';
import { ChaosApi } from './chaos';

/** What every view of the console talks to: the AWS SDK clients on the edge, and the chaos API's URL. */
export interface Services {
  config: WebConfig;
  sfn: SFNClient;
  cloudwatch: CloudWatchClient;
  xray: XRayClient;
  logs: CloudWatchLogsClient;
  /** `/_local/chaos/faults` on the edge; undefined when there is no edge (AWS). */
  faultsUrl?: string;
  chaos?: ChaosApi;
}

/**
 * The SDK clients, on the edge when the config names one. Credentials are the local cloud's
 * `local`/`local` (LocalStack takes any), or `accessKeyId`, `secretAccessKey` and `sessionToken` from
 * the query, for AWS: they stay in the page's memory.
 */
export const createServices = (config: WebConfig, query: URLSearchParams): Services => {
  const sessionToken = query.get('sessionToken') ?? undefined;
  const credentials = {
    accessKeyId: query.get('accessKeyId') ?? 'local',
    secretAccessKey: query.get('secretAccessKey') ?? 'local',
    ...(sessionToken && { sessionToken }),
  };
  const common = { region: config.region, credentials, ...(config.edge && { endpoint: config.edge }) };
  const services: Services = {
    config,
    // TestState's endpoint is AWS's `sync-states.…` (a host prefix): on an edge, the edge's own host.
    sfn: new SFNClient({ ...common, maxAttempts: 2, ...(config.edge && { disableHostPrefix: true }) }),
    cloudwatch: new CloudWatchClient({ ...common, maxAttempts: 2 }),
    xray: new XRayClient({ ...common, maxAttempts: 2 }),
    logs: new CloudWatchLogsClient({ ...common, maxAttempts: 2 }),
  };
  const faultsUrl = config.edge && `${config.edge.replace(/\/$/, '')}/_local/chaos/faults`;
  return faultsUrl ? { ...services, faultsUrl, chaos: new ChaosApi(faultsUrl) } : services;
};

export const ServicesContext = createContext<Services | undefined>(undefined);

export const useServices = (): Services => {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('The console has no services');
  return services;
};

/** An error as a person reads it: its AWS name (`ExecutionDoesNotExist`) and message. */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return `${error.name}${status ? ` (HTTP ${status})` : ''}: ${error.message || 'no message'}`;
  }
  return String(error);
};
