import { Duration } from 'aws-cdk-lib';
import { Cors, type IAuthorizer, LambdaIntegration, MethodLoggingLevel, RestApi, TokenAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  handler: IFunction;
  /** Public routes skip the authorizer. */
  public?: boolean;
}

export interface ShopApiProps {
  authorizerFunction: IFunction;
  routes: Route[];
}

/** The REST API (v1, stage `v1`): a TOKEN authorizer in front of every route but the public ones. */
export class ShopApi extends Construct {
  readonly api: RestApi;
  readonly authorizer: IAuthorizer;

  constructor(scope: Construct, id: string, props: ShopApiProps) {
    super(scope, id);
    this.api = new RestApi(this, 'Api', {
      restApiName: 'serverless-shop',
      description: 'Serverless Shop HTTP API',
      // No account-wide CloudWatch role: execution logging is off, and the role would outlive the stack.
      cloudWatchRole: false,
      deployOptions: { stageName: 'v1', metricsEnabled: true, loggingLevel: MethodLoggingLevel.OFF },
      defaultCorsPreflightOptions: {
        allowOrigins: Cors.ALL_ORIGINS,
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
        allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
      },
    });
    this.authorizer = new TokenAuthorizer(this, 'JwtAuthorizer', {
      handler: props.authorizerFunction,
      identitySource: 'method.request.header.Authorization',
      resultsCacheTtl: Duration.minutes(5),
    });
    for (const route of props.routes) {
      const resource = this.api.root.resourceForPath(route.path);
      resource.addMethod(route.method, new LambdaIntegration(route.handler, { proxy: true }), route.public ? {} : { authorizer: this.authorizer });
    }
  }
}
