import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { httpErrors } from './http';
import { logger, metrics } from './observability';
import { traceOrder } from './tracing';

/** An API handler: the order on the trace, logger and metrics first, the error mapper last. */
export const httpHandler = (fn: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>) =>
  middy(fn)
    .use(traceOrder())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(httpErrors());

/** A saga step or event consumer: errors propagate, so Step Functions and SNS can retry and route them. */
export const taskHandler = <E, R>(fn: (event: E, context: Context) => Promise<R>) =>
  middy(fn)
    .use(traceOrder())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
