/**
 * The Lambda test kit shared by the app's tests and the middleware package's tests: events built from
 * captured samples (`../events/`), one factory per event source, and a complete fake `Context`.
 * A private workspace package, like Powertools' `packages/testing`: imported by name, never published,
 * never part of the middleware package's tarball.
 */
export { lambdaContext } from './lambda-context';
export {
  albMultiValueEvent,
  applicationLoadBalancer,
  eventSources,
  functionUrl,
  httpApiV2,
  restApiV1,
  type AlbRequest,
  type EventSource,
  type EventSourceName,
  type HttpRequestSpec,
  type NormalizedResponse,
} from './lambda-events';
