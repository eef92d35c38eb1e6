// The catalogue: every Lambda hazard the doctor knows, how serious it is, and the fix it prints. Severity is
// `error` when the app breaks or loses data in Lambda, `warning` when it works but wastes, leaks or misleads.
// Each fix names the MIGRATING.md section that shows it on this repository's code.
import type { HazardId, Severity } from './report-types.mts';

export interface Hazard {
  readonly severity: Severity;
  readonly fix: string;
}

export const hazards: Readonly<Record<HazardId, Hazard>> = {
  'listen-at-import': {
    severity: 'error',
    fix: 'Export the app from a module that never listens; call listen() only in the local host (src/server.ts). MIGRATING.md § 1.',
  },
  'session-memory-store': {
    severity: 'error',
    fix: 'Each Lambda environment has its own memory and is recycled at any time: keep sessions in DynamoDB (a session store on the table, or stateless JWTs as this app does). MIGRATING.md § 4.',
  },
  'file-write-outside-tmp': {
    severity: 'error',
    fix: "Lambda's file system is read-only outside /tmp, and /tmp is per environment: log to stdout, keep data in DynamoDB or S3, scratch files in os.tmpdir(). MIGRATING.md § 5.",
  },
  'multer-disk-storage': {
    severity: 'error',
    fix: 'Use multer.memoryStorage() (API Gateway caps bodies at 10 MB, Lambda at 6 MB) and put files in S3, or upload straight to S3 with a presigned URL. MIGRATING.md § 5.',
  },
  'module-level-interval': {
    severity: 'warning',
    fix: 'Lambda freezes the environment between invocations, so a timer runs late or never: do the work per request, or on a schedule (an EventBridge rule invoking a function). MIGRATING.md § 6.',
  },
  'work-after-response': {
    severity: 'warning',
    fix: 'In Lambda the invocation ends when the response is sent and the environment is frozen: await the work before responding, or hand it to a queue. MIGRATING.md § 6.',
  },
  'websocket-upgrade': {
    severity: 'error',
    fix: 'API Gateway HTTP APIs and Function URLs do not pass connection upgrades to Lambda: move WebSockets to an API Gateway WebSocket API (its own function). MIGRATING.md § 7.',
  },
  'streamed-response': {
    severity: 'warning',
    fix: 'serverless-express buffers the whole body and returns it when the response ends: send bounded responses, paginate, or serve large files from S3. MIGRATING.md § 7.',
  },
  'response-too-large': {
    severity: 'error',
    fix: 'A synchronous Lambda invocation returns at most 6 MB (after base64 for binary bodies): paginate, or return a presigned S3 URL. MIGRATING.md § 9.',
  },
  'binary-response-mangled': {
    severity: 'error',
    fix: "Add the content type to serverless-express's binarySettings.contentTypes in src/lambda.ts (and to BinaryMediaTypes when the API is a REST API). MIGRATING.md § 8.",
  },
  'trust-proxy-true': {
    severity: 'warning',
    fix: '`trust proxy = true` believes every X-Forwarded-For entry, so req.ip is whatever the client sends: keep it false and read the client IP from the Lambda event (requestContextOf(req).sourceIp). MIGRATING.md § 8.',
  },
  'api-gateway-event-header': {
    severity: 'error',
    fix: '@codegenie/serverless-express sets no x-apigateway-event/x-apigateway-context headers (and a client can send them): read the event with getLambdaInvoke() from @lambdalith/middleware. MIGRATING.md § 10.',
  },
  'current-invoke-identity': {
    severity: 'warning',
    fix: "getCurrentInvoke() is one object per process, so concurrent invocations see each other's event: wrap the handler in withLambdaInvoke and read getLambdaInvoke(), or getAuth(req) for identity. MIGRATING.md § 10.",
  },
};
