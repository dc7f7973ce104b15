import { join } from 'node:path';
import type { Stops } from '../lifecycle';
import { otlpForwarder, type SpanForwarder, zipkinForwarder } from './export';
import { XRayService } from './service';

export { xrayEdge } from './api';

/** What the local X-Ray is started with (a part of the cloud's Context, see start.ts). */
export interface TracesContext {
  options: {
    dataDir?: string;
    tracing?: boolean;
    otlpEndpoint?: string;
    zipkinEndpoint?: string;
    traceSampling?: number;
  };
  accountId: string;
  region: string;
  log: (message: string) => void;
  stops: Stops;
}

/**
 * The local X-Ray of a starting cloud: its spans kept under the data directory (`xray/spans.jsonl`;
 * in memory only with `--in-memory`), forwarded to `--otlp-endpoint` and `--zipkin-endpoint`; its
 * sampling rules beside them, every rule's rate from `--trace-sampling`.
 */
export const startTraces = ({ options, accountId, region, log, stops }: TracesContext): XRayService => {
  const forwarders: SpanForwarder[] = [];
  if (options.otlpEndpoint) forwarders.push(otlpForwarder(options.otlpEndpoint, log));
  if (options.zipkinEndpoint) forwarders.push(zipkinForwarder(options.zipkinEndpoint, log));
  const service = new XRayService(
    { ...(options.dataDir && { dir: join(options.dataDir, 'xray') }), log },
    forwarders,
    accountId,
    {
      region,
      ...(options.dataDir && { file: join(options.dataDir, 'xray', 'sampling-rules.json') }),
      ...(options.traceSampling !== undefined && { rate: options.traceSampling }),
    },
  );
  stops.add(() => service.stop());
  return service;
};
