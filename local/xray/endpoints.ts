import type { CloudOptions } from '../options';

/**
 * `--otlp-endpoint` and `--zipkin-endpoint` (or SHOP_OTLP_ENDPOINT and SHOP_ZIPKIN_ENDPOINT): where
 * every span is forwarded, as http(s) URLs. Imports nothing heavy: the CLI reads it before the cloud loads.
 */
export const traceEndpoints = (
  args: { 'otlp-endpoint'?: string; 'zipkin-endpoint'?: string },
  fail: (message: string) => never,
): Pick<CloudOptions, 'otlpEndpoint' | 'zipkinEndpoint'> => {
  const url = (raw: string | undefined, flag: string) => {
    if (raw && !/^https?:\/\/[^/\s]+/.test(raw)) fail(`--${flag} must be an http(s) URL, not ${raw}`);
    return raw || undefined;
  };
  const otlpEndpoint = url(args['otlp-endpoint'] ?? process.env.SHOP_OTLP_ENDPOINT, 'otlp-endpoint');
  const zipkinEndpoint = url(args['zipkin-endpoint'] ?? process.env.SHOP_ZIPKIN_ENDPOINT, 'zipkin-endpoint');
  return { ...(otlpEndpoint && { otlpEndpoint }), ...(zipkinEndpoint && { zipkinEndpoint }) };
};
