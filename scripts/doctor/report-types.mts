// The shape of what the doctor reports, shared by the child that inspects the app and the CLI that prints it.
// Also what `npm run doctor -- --json` prints, so its field names are part of the tool's interface.

export type Severity = 'error' | 'warning';

/**
 * How the doctor knows: `static` from reading the app's own source files, `load` seen while the module was
 * imported, `request` seen while serving one of the doctor's in-process probe requests.
 */
export type Evidence = 'static' | 'load' | 'request';

export type HazardId =
  | 'listen-at-import'
  | 'session-memory-store'
  | 'file-write-outside-tmp'
  | 'multer-disk-storage'
  | 'module-level-interval'
  | 'work-after-response'
  | 'websocket-upgrade'
  | 'streamed-response'
  | 'response-too-large'
  | 'binary-response-mangled'
  | 'trust-proxy-true'
  | 'api-gateway-event-header'
  | 'current-invoke-identity';

export interface Finding {
  readonly hazard: HazardId;
  readonly severity: Severity;
  readonly evidence: Evidence;
  /** What was found, with its specifics (a path, a route, a size). */
  readonly message: string;
  /** What to change, pointing at the MIGRATING.md section that shows it. */
  readonly fix: string;
  /** `file:line` in the app's own code, relative to the working directory, when known. */
  readonly location?: string;
  /** `GET /path` of the probe that showed it, for request evidence. */
  readonly request?: string;
}

export interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

export interface ProbeResult {
  readonly request: string;
  /** The status the app answered, or undefined when it did not answer within the probe time limit. */
  readonly status?: number;
  readonly contentType?: string;
  /** Bytes of the Lambda result serverless-express built (the JSON the function returns). */
  readonly resultBytes?: number;
  readonly isBase64Encoded?: boolean;
}

/** A blocked outbound connection: not a hazard in itself, but the reader should know it happened. */
export interface Note {
  readonly message: string;
}

export interface AppReport {
  readonly target: string;
  readonly expressMajor: 4 | 5;
  /** How the app was found: an export of the module, the request listener given to listen(), or a factory. */
  readonly foundBy: 'export' | 'listen' | 'factory';
  readonly routes: readonly RouteEntry[];
  readonly findings: readonly Finding[];
  readonly probes: readonly ProbeResult[];
  /** Routes the doctor did not call: it sends only GET requests, which HTTP defines as safe. */
  readonly notProbed: readonly RouteEntry[];
  readonly binarySettings: string;
  readonly notes: readonly Note[];
}

/** What the child process sends back over IPC: a report, or the one-line reason the app could not be loaded. */
export type ChildMessage =
  | { readonly kind: 'report'; readonly report: AppReport }
  | { readonly kind: 'load-failed'; readonly reason: string };
