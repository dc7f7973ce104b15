import { Duration, Stack } from 'aws-cdk-lib';
import {
  Cors,
  type IAuthorizer,
  LambdaIntegration,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
  TokenAuthorizer,
} from 'aws-cdk-lib/aws-apigateway';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnSamplingRule } from 'aws-cdk-lib/aws-xray';
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
  /** Whether placing an order gets an X-Ray sampling rule of its own (true by default; MiniStack refuses the type). */
  samplingRule?: boolean;
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
      deployOptions: {
        stageName: 'v1',
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.OFF,
        tracingEnabled: true,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: Cors.ALL_ORIGINS,
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
        allowMethods: ['GET', 'POST', 'PUT', 'OPTIONS'],
      },
    });
    // X-Ray's Default rule traces the first request each second (and 5% of the rest), whatever it is: a
    // page's GETs would take that place from the order placed with them. Placing an order gets a
    // reservoir of its own, so that the first order each second is traced.
    if (props.samplingRule !== false)
      new CfnSamplingRule(this, 'OrderSampling', {
        samplingRule: {
          ruleName: `${Stack.of(this).stackName.slice(0, 25)}-orders`,
          priority: 100,
          reservoirSize: 1,
          fixedRate: 0.05,
          serviceName: '*',
          serviceType: 'AWS::ApiGateway::Stage',
          host: '*',
          httpMethod: 'POST',
          urlPath: '*/orders',
          resourceArn: '*',
          version: 1,
        },
      });
    this.authorizer = new TokenAuthorizer(this, 'JwtAuthorizer', {
      handler: props.authorizerFunction,
      identitySource: 'method.request.header.Authorization',
      resultsCacheTtl: Duration.minutes(5),
    });
    // API Gateway's own refusals get the contract's error shape, and CORS so a page can read them.
    const errorBody = (code: string, message = '$context.error.messageString') => ({
      'application/json': `{"error":"${code}","message":${message}}`,
    });
    const cors = { 'Access-Control-Allow-Origin': "'*'" };
    const gatewayResponses: [string, ResponseType, string, Record<string, string>][] = [
      ['Unauthorized', ResponseType.UNAUTHORIZED, '401', errorBody('UNAUTHORIZED')],
      ['AccessDenied', ResponseType.ACCESS_DENIED, '403', errorBody('FORBIDDEN')],
      // No route matched: API Gateway calls it a missing token and answers 403; it is a 404.
      [
        'NoRoute',
        ResponseType.MISSING_AUTHENTICATION_TOKEN,
        '404',
        errorBody('NOT_FOUND', '"No route for this method and path"'),
      ],
      ['Default4xx', ResponseType.DEFAULT_4XX, '', errorBody('BAD_REQUEST')],
      ['Default5xx', ResponseType.DEFAULT_5XX, '', errorBody('INTERNAL_ERROR')],
    ];
    for (const [id, type, statusCode, templates] of gatewayResponses) {
      this.api.addGatewayResponse(id, { type, ...(statusCode && { statusCode }), templates, responseHeaders: cors });
    }

    for (const route of props.routes) {
      const resource = this.api.root.resourceForPath(route.path);
      resource.addMethod(
        route.method,
        new LambdaIntegration(route.handler, { proxy: true }),
        route.public ? {} : { authorizer: this.authorizer },
      );
    }
  }
}
