import serverlessExpress from '@codegenie/serverless-express';
import type { ALBEvent, APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Express } from 'express';
import { withLambdaInvoke, type LambdaHttpEvent } from '@lambdalith/middleware';
// The project's captured events and its complete fake Context, shared with the app's Lambda tests. Only these
// test helpers (which import fixtures and nothing from src/) cross from the package's tests into the
// project's; package-shape.test.ts checks that nothing else does.
import { httpApiV2 } from '../../../../tests/helpers/lambda-events';
import { lambdaContext } from '../../../../tests/helpers/lambda-context';
import albMultiValueHeadersRequest from '../../../../tests/fixtures/events/alb-multivalue-headers.json';

export { lambdaContext };

export interface HttpApiRequest {
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly sourceIp?: string;
  readonly gatewayRequestId?: string;
  readonly authorizer?: unknown;
  readonly body?: string;
  /** Send the body base64-encoded, as API Gateway does for binary media types. */
  readonly base64?: boolean;
}

/** An API Gateway HTTP API (payload 2.0) event, built from the captured fixture (apigw-http-v2-proxy.json). */
export function httpApiEvent(request: HttpApiRequest): APIGatewayProxyEventV2 {
  const { method = 'GET', authorizer, ...spec } = request;
  const event = httpApiV2.event({ method, ...spec }) as APIGatewayProxyEventV2;
  if (authorizer === undefined) return event;
  return { ...event, requestContext: { ...event.requestContext, authorizer } as APIGatewayProxyEventV2['requestContext'] };
}

export interface AlbRequest {
  readonly method?: string;
  readonly path: string;
  /** The values of X-Forwarded-For as the ALB passes them: one per header line, the ALB's own entry last. */
  readonly forwardedFor?: readonly string[];
}

/**
 * An Application Load Balancer event from a target group with multi-value headers enabled, built from the
 * captured fixture (alb-multivalue-headers.json): `multiValueHeaders` only, no `headers`.
 */
export function albMultiValueEvent(request: AlbRequest): ALBEvent {
  const event = structuredClone(albMultiValueHeadersRequest) as ALBEvent;
  const forwardedFor = request.forwardedFor ?? event.multiValueHeaders?.['x-forwarded-for'] ?? [];
  return {
    ...event,
    httpMethod: request.method ?? 'GET',
    path: request.path,
    multiValueQueryStringParameters: {},
    multiValueHeaders: { ...event.multiValueHeaders, 'x-forwarded-for': [...forwardedFor] },
  };
}

export type LambdaHandler<TEvent extends LambdaHttpEvent = APIGatewayProxyEventV2, TResult = APIGatewayProxyStructuredResultV2> = (
  event: TEvent,
  context: Context,
) => Promise<TResult>;

/**
 * The app behind plain `serverlessExpress({ app })`, wrapped in withLambdaInvoke exactly as the package's
 * documentation tells a Lambda entry point to do it (no custom framework hook).
 */
export function lambdaHandler<TEvent extends LambdaHttpEvent = APIGatewayProxyEventV2, TResult = APIGatewayProxyStructuredResultV2>(
  app: Express,
): LambdaHandler<TEvent, TResult> {
  const proxy = serverlessExpress({ app });
  return withLambdaInvoke(async (event: TEvent, context: Context) => (await proxy(event, context, () => undefined)) as TResult);
}
