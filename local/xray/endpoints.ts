import type { CloudOptions } from '../options';

/** A flag's value that must be an http(s) URL (a forwarding endpoint, a webhook). */
export const httpUrl = (raw: string, flag: string, fail: (message: string) => never): string =>
  /^https?:\/\/[^/\s]+\S*$/.test(raw) && URL.canParse(raw) ? raw : fail(`--${flag} must be an http(s) URL, not ${raw}`);

/**
 * `--otlp-endpoint` and `--zipkin-endpoint` (or SHOP_OTLP_ENDPOINT and SHOP_ZIPKIN_ENDPOINT): where
 * every span is forwarded, as http(s) URLs. Imports nothing heavy: the CLI reads it before the cloud loads.
 */
export const traceEndpoints = (
  args: { 'otlp-endpoint'?: string; 'zipkin-endpoint'?: string },
  fail: (message: string) => never,
): Pick<CloudOptions, 'otlpEndpoint' | 'zipkinEndpoint'> => {
  const url = (raw: string | undefined, flag: string) => (raw ? httpUrl(raw, flag, fail) : undefined);
  const otlpEndpoint = url(args['otlp-endpoint'] ?? process.env.SHOP_OTLP_ENDPOINT, 'otlp-endpoint');
  const zipkinEndpoint = url(args['zipkin-endpoint'] ?? process.env.SHOP_ZIPKIN_ENDPOINT, 'zipkin-endpoint');
  return { ...(otlpEndpoint && { otlpEndpoint }), ...(zipkinEndpoint && { zipkinEndpoint }) };
};
