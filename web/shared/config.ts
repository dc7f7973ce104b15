/**
 * The endpoints the web apps talk to. The web server answers them at `/config.json`; query parameters
 * of the same names override each one, so the same build works against the local cloud, LocalStack or
 * AWS (`/console/?edge=http://localhost:4566&stateMachineArn=…`).
 */
export interface WebConfig {
  /** The REST API's base URL, with its stage and a trailing slash. */
  api: string;
  issuer: string;
  /** The AWS endpoint (the local edge, LocalStack's); empty for AWS itself. */
  edge: string;
  region: string;
  clientId: string;
  stateMachineArn: string;
  dashboardName: string;
}

export const CONFIG_KEYS = ['api', 'issuer', 'edge', 'region', 'clientId', 'stateMachineArn', 'dashboardName'] as const satisfies readonly (keyof WebConfig)[];

const DEFAULTS: WebConfig = { api: '', issuer: '', edge: '', region: 'us-east-1', clientId: 'shop-web', stateMachineArn: '', dashboardName: '' };

/** The server's config with the query's overrides applied (pure, for the tests). */
export const mergeConfig = (served: Partial<WebConfig>, query: URLSearchParams): WebConfig => {
  const config: WebConfig = { ...DEFAULTS };
  for (const key of CONFIG_KEYS) {
    const value = query.get(key) ?? served[key];
    if (typeof value === 'string') config[key] = value;
  }
  return config;
};

/** Fetches `/config.json` (none is fine: the query may say everything) and applies the query's overrides. */
export const loadConfig = async (search: string = location.search): Promise<WebConfig> => {
  let served: Partial<WebConfig> = {};
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (response.ok) served = (await response.json()) as Partial<WebConfig>;
  } catch {
    // No web server of ours (the build served elsewhere): the query says where to go.
  }
  return mergeConfig(served, new URLSearchParams(search));
};
