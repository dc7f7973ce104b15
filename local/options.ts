import type { DynamoDbLocal } from './dynamodb/process';
import type { Realm } from './issuer/realm';

/** How a local cloud is started (see startLocalCloud in cloud.ts). */
export interface CloudOptions {
  /** The synthesized template (`cdk.out/<Stack>.template.json`); its folder holds the function bundles. */
  templatePath: string;
  stackName: string;
  /** Keycloak realm export the issuer is built from. */
  realmPath: string;
  /**
   * An issuer to trust instead of the embedded one, e.g. a real Keycloak that imported the same
   * realm (`http://localhost:8180/realms/shop`): no issuer is started, and the functions verify its tokens.
   */
  externalIssuer?: string;
  /** False leaves authorizers unenforced, as on LocalStack's free tier (default true). */
  enforceAuthorizers?: boolean;
  /** Where data lives across restarts; in memory when absent. */
  dataDir?: string;
  /** DynamoDB Local, started already on `dataDir` (the CLI starts it first); started here when absent. */
  storage?: Promise<DynamoDbLocal>;
  host: string;
  /** `web`: the shop page and the console (built from web/ at start); not served when absent. */
  ports: { api: number; edge: number; issuer: number; web?: number };
  region?: string;
  accountId?: string;
  /** Seeds demo data once the cloud is up; given the table bound to an environment variable and the realm. */
  seed?: (tableFor: (variable: string) => string, realm: Realm) => Promise<string>;
  print: (line: string) => void;
  /** Multiplies the state machines' Retry intervals (1: as written). */
  retryIntervalScale?: number;
  color?: boolean;
  verbose?: boolean;
  /**
   * False turns tracing off (`--no-tracing`): the functions load no OpenTelemetry, the services emit
   * no spans and add no trace headers. Default true.
   */
  tracing?: boolean;
  /**
   * Every sampling rule's fixed rate, 0 to 1 (`--trace-sampling`): as the rules say when absent (X-Ray's
   * Default: one request a second, then 0.05); 1 traces every request.
   */
  traceSampling?: number;
  /** How long a warm Lambda environment is kept idle before it is ended (`SHOP_LAMBDA_IDLE_TIMEOUT`; 60 s). */
  lambdaIdleTimeoutMs?: number;
  /** How many Lambda environments all functions may have together (`SHOP_LAMBDA_MAX_WORKERS`; 24). */
  lambdaMaxWorkers?: number;
  /** Every span recorded is forwarded to this OTLP/HTTP receiver (`--otlp-endpoint`, `…/v1/traces`). */
  otlpEndpoint?: string;
  /** Every span recorded is forwarded to this Zipkin span API (`--zipkin-endpoint`, `…/api/v2/spans`). */
  zipkinEndpoint?: string;
  /**
   * `--alert-webhook URL`: each alarm state change is POSTed there as a Slack incoming-webhook body
   * (cloudwatch/webhook.ts), with links to the console's dashboard and executions.
   */
  alertWebhook?: string;
}
