import { randomUUID } from 'node:crypto';
import type { HttpResponse } from '../http/messages';
import { ServiceError } from './errors';

/**
 * AWS's query protocol (SNS, CloudWatch): form-encoded `Action=…` requests, answered in XML, with
 * AWS's XML error shape (Sender for the caller's mistakes, Receiver for the service's).
 */
export const xmlEscape = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`);

/**
 * One action's answer: `<ActionResponse>` around the result's XML and the request id; a ServiceError
 * thrown by `result` is the XML error. Any other error is the caller's to handle.
 */
export const answerQuery = async (
  xmlns: string,
  action: string,
  result: () => string | Promise<string>,
): Promise<HttpResponse> => {
  const requestId = randomUUID();
  const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
  try {
    const inner = await result();
    return {
      status: 200,
      headers,
      body: `<${action}Response xmlns="${xmlns}">${inner}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const type = error.status < 500 ? 'Sender' : 'Receiver';
    return {
      status: error.status,
      headers,
      body: `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
};
