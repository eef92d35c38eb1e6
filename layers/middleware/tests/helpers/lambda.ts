import serverlessExpress from '@codegenie/serverless-express';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Express } from 'express';
import { withLambdaInvoke } from '@lambdalith/middleware';
// The project's captured events and its complete fake Context, shared with the app's Lambda tests. Only these
// test helpers (which import fixtures and nothing from src/) cross from the package's tests into the
// project's; package-shape.test.ts checks that nothing else does.
import { httpApiV2 } from '../../../../tests/helpers/lambda-events';
import { lambdaContext } from '../../../../tests/helpers/lambda-context';

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

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * The app behind plain `serverlessExpress({ app })`, wrapped in withLambdaInvoke exactly as the package's
 * documentation tells a Lambda entry point to do it (no custom framework hook).
 */
export function lambdaHandler(app: Express): LambdaHandler {
  const proxy = serverlessExpress({ app });
  return withLambdaInvoke(async (event: APIGatewayProxyEventV2, context: Context) =>
    (await proxy(event, context, () => undefined)) as APIGatewayProxyStructuredResultV2,
  );
}
