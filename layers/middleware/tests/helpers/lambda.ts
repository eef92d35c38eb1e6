import serverlessExpress from '@codegenie/serverless-express';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Express } from 'express';
import { withLambdaInvoke, type LambdaHttpEvent } from '@lambdalith/middleware';
// The captured events and the complete fake Context, shared with the app's Lambda tests through the private
// workspace package @lambdalith/testing (a devDependency: never in this package's tarball).
import { albMultiValueEvent, httpApiV2, lambdaContext } from '@lambdalith/testing';

export { albMultiValueEvent, lambdaContext };

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
  return {
    ...event,
    requestContext: { ...event.requestContext, authorizer } as APIGatewayProxyEventV2['requestContext'],
  };
}

export type LambdaHandler<
  TEvent extends LambdaHttpEvent = APIGatewayProxyEventV2,
  TResult = APIGatewayProxyStructuredResultV2,
> = (event: TEvent, context: Context) => Promise<TResult>;

/**
 * The app behind plain `serverlessExpress({ app })`, wrapped in withLambdaInvoke exactly as the package's
 * documentation tells a Lambda entry point to do it (no custom framework hook).
 */
export function lambdaHandler<
  TEvent extends LambdaHttpEvent = APIGatewayProxyEventV2,
  TResult = APIGatewayProxyStructuredResultV2,
>(app: Express): LambdaHandler<TEvent, TResult> {
  const proxy = serverlessExpress({ app });
  return withLambdaInvoke(
    async (event: TEvent, context: Context) => (await proxy(event, context, () => undefined)) as TResult,
  );
}
