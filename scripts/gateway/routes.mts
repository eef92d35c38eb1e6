// Route selection as API Gateway HTTP APIs do it: the most specific path wins (literal segments over
// `{param}`, both over a greedy `{proxy+}`), a route with the request's method over ANY, and `$default` last.
// ANY includes HEAD; a GET route does not answer HEAD.
import type { Route } from './function-spec.mts';

export interface RouteMatch {
  readonly route: Route;
  /** Path parameters, percent-decoded; undefined when the route has none. */
  readonly pathParameters: Readonly<Record<string, string>> | undefined;
}

interface Candidate extends RouteMatch {
  readonly score: number[];
}

export function matchRoute(routes: readonly Route[], method: string, rawPath: string): RouteMatch | undefined {
  const segments = rawPath.split('/').slice(1);
  const candidates: Candidate[] = [];
  for (const route of routes) {
    if (route.path === '$default') continue;
    if (route.method !== 'ANY' && route.method !== method) continue;
    const match = matchPath(route.path, segments);
    if (match === undefined) continue;
    candidates.push({
      route,
      pathParameters: match.parameters,
      score: [...match.score, route.method === 'ANY' ? 0 : 1],
    });
  }
  candidates.sort((a, b) => compareScores(b.score, a.score));
  const best = candidates[0];
  if (best !== undefined) return { route: best.route, pathParameters: best.pathParameters };
  const fallback = routes.find((route) => route.path === '$default');
  return fallback === undefined ? undefined : { route: fallback, pathParameters: undefined };
}

function matchPath(
  pattern: string,
  segments: readonly string[],
): { parameters: Record<string, string> | undefined; score: number[] } | undefined {
  const parts = pattern.split('/').slice(1);
  const parameters: Record<string, string> = {};
  const score: number[] = [];
  for (const [index, part] of parts.entries()) {
    const greedy = /^\{(.+)\+\}$/.exec(part);
    if (greedy !== null) {
      const rest = segments.slice(index);
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      parameters[greedy[1] ?? 'proxy'] = decode(rest.join('/'));
      // A greedy match is the least specific, and a longer literal prefix before it beats a shorter one.
      return { parameters, score: [0, index] };
    }
    const segment = segments[index];
    if (segment === undefined) return undefined;
    const parameter = /^\{(.+)\}$/.exec(part);
    if (parameter !== null) {
      if (segment === '') return undefined;
      parameters[parameter[1] ?? ''] = decode(segment);
      score.push(1);
    } else if (part === segment) {
      score.push(2);
    } else {
      return undefined;
    }
  }
  if (segments.length !== parts.length) return undefined;
  return { parameters: Object.keys(parameters).length === 0 ? undefined : parameters, score: [1, ...score] };
}

function compareScores(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
