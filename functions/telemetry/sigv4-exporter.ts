import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/**
 * SHA-256 as @smithy/signature-v4 takes it (a hash, or an HMAC when given a key), from node:crypto, so
 * that the bootstrap needs nothing of the SDK's at run time.
 */
export class Sha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The function's credentials, as Lambda puts its execution role's in the environment. */
export const credentialsFromEnvironment = (env: NodeJS.ProcessEnv = process.env): Credentials => ({
  accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
  secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
  ...(env.AWS_SESSION_TOKEN && { sessionToken: env.AWS_SESSION_TOKEN }),
});

/** X-Ray's OTLP endpoint (`https://xray.<region>.amazonaws.com/v1/traces`) takes SigV4-signed requests only. */
export const isXrayEndpoint = (url: string): boolean =>
  /^https:\/\/xray\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//.test(url);

/** The request, signed for `service` in `region`: the headers to send with the body. */
export const signedHeaders = async (
  url: string,
  body: Uint8Array,
  { region, service, credentials }: { region: string; service: string; credentials: Credentials },
): Promise<Record<string, string>> => {
  const target = new URL(url);
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    path: target.pathname,
    query: {},
    headers: { host: target.host, 'content-type': 'application/json' },
    body,
  });
  return signed.headers;
};

/**
 * OTLP/HTTP (JSON, serialized by OpenTelemetry's own serializer) to an endpoint that wants SigV4, as X-Ray's
 * does: each export is signed with the function's credentials as it is sent.
 */
export class SigV4OtlpExporter implements SpanExporter {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly url: string,
    private readonly options: { region: string; service: string; credentials?: () => Credentials },
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const sending = this.send(spans).then(
      () => done({ code: ExportResultCode.SUCCESS }),
      (error: Error) => done({ code: ExportResultCode.FAILED, error }),
    );
    this.pending.add(sending);
    void sending.finally(() => this.pending.delete(sending));
  }

  private async send(spans: ReadableSpan[]): Promise<void> {
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) throw new Error('the spans could not be serialized');
    const headers = await signedHeaders(this.url, body, {
      region: this.options.region,
      service: this.options.service,
      credentials: (this.options.credentials ?? credentialsFromEnvironment)(),
    });
    const response = await fetch(this.url, {
      method: 'POST',
      headers,
      body: Buffer.from(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`OTLP export answered ${response.status}: ${await response.text()}`);
  }

  async forceFlush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }
}
