/**
 * Where a page finds the services: `/config.json` from the server that serves it, each key
 * overridden by a query parameter of the same name, so the same build works against the local cloud,
 * LocalStack or AWS, e.g. `?api=https://abc.execute-api.eu-west-1.amazonaws.com/v1/&issuer=…`.
 */
export interface WebConfig {
  /** The API's base URL, stage included, with a trailing slash. */
  api: string;
  /** The OpenID Connect issuer (`…/realms/shop`). */
  issuer: string;
  /** The AWS edge (LocalStack's port locally, or an AWS endpoint). */
  edge: string;
  region: string;
  /** The public client with authorization code + PKCE. */
  clientId: string;
  stateMachineArn: string;
  dashboardName: string;
}

export const CONFIG_KEYS = [
  'api',
  'issuer',
  'edge',
  'region',
  'clientId',
  'stateMachineArn',
  'dashboardName',
] as const satisfies readonly (keyof WebConfig)[];

const DEFAULTS: WebConfig = {
  api: '',
  issuer: '',
  edge: '',
  region: 'us-east-1',
  clientId: 'shop-web',
  stateMachineArn: '',
  dashboardName: '',
};

/** The config a server document and a query string make: known string keys only, the query winning. */
export const mergeConfig = (served: unknown, query: URLSearchParams): WebConfig => {
  const config: WebConfig = { ...DEFAULTS };
  const document = typeof served === 'object' && served !== null ? (served as Record<string, unknown>) : {};
  for (const key of CONFIG_KEYS) {
    const value = query.get(key) ?? document[key];
    if (typeof value === 'string' && value !== '') config[key] = value;
  }
  // One form for every base URL: the API with a trailing slash (relative paths resolve below the stage), the others without.
  if (config.api && !config.api.endsWith('/')) config.api += '/';
  config.issuer = config.issuer.replace(/\/+$/, '');
  config.edge = config.edge.replace(/\/+$/, '');
  return config;
};

/**
 * Reads `config.json` beside the page (a static host without one is fine when the query gives every
 * URL), then applies the query parameters of the page's own URL.
 */
export const loadConfig = async (
  base: string = document.baseURI,
  search: string = location.search,
): Promise<WebConfig> => {
  let served: unknown = {};
  try {
    const response = await fetch(new URL('/config.json', base), { cache: 'no-cache' });
    if (response.ok) served = await response.json();
  } catch {
    // No config.json where the page is hosted: the query parameters must say everything.
  }
  return mergeConfig(served, new URLSearchParams(search));
};
