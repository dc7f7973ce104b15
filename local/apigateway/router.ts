import type { ResourceSpec } from './specs';

export interface Route {
  resource: ResourceSpec;
  params: Record<string, string>;
}

/**
 * Finds the resource a path belongs to, as API Gateway matches them: literal segments win over
 * `{param}` segments, which win over a greedy `{proxy+}`; path parameters are percent-decoded.
 */
export const matchRoute = (resources: readonly ResourceSpec[], path: string): Route | undefined => {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  let best: (Route & { score: number }) | undefined;
  for (const resource of resources) {
    const match = matchResource(resource, segments);
    if (match && (!best || match.score > best.score)) best = { resource, ...match };
  }
  return best && { resource: best.resource, params: best.params };
};

const matchResource = (
  resource: ResourceSpec,
  segments: string[],
): { params: Record<string, string>; score: number } | undefined => {
  const params: Record<string, string> = {};
  let score = 0;
  for (let i = 0; i < resource.segments.length; i++) {
    const pattern = resource.segments[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(pattern);
    if (greedy) {
      if (i >= segments.length) return undefined;
      params[greedy[1]!] = segments.slice(i).join('/');
      return { params, score: score + 1 };
    }
    const segment = segments[i];
    if (segment === undefined) return undefined;
    if (/^\{.+\}$/.test(pattern)) {
      params[pattern.slice(1, -1)] = segment;
      score += 10;
    } else if (pattern === segment) score += 100;
    else return undefined;
  }
  return resource.segments.length === segments.length ? { params, score } : undefined;
};
