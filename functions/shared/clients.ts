import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { toDocumentClient } from './dynamo';

/**
 * SDK clients are created once per execution environment, here, and handed to the stores. Endpoints
 * come from the SDK's own configuration (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_DYNAMODB`), so the
 * same bundle runs on AWS, on LocalStack and on the embedded local cloud.
 */
export const dynamoClient = new DynamoDBClient({});

export const documentClient = toDocumentClient(dynamoClient);
