// What the interceptors saw, and in which phase: while the module loaded, or while the app served one of the
// doctor's probe requests (tracked with AsyncLocalStorage, so work the request started is attributed to it
// even when it runs after the response).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import { appCallSite } from './call-site.mts';

export interface RequestScope {
  readonly request: string;
  /** Set when the response has been sent; anything recorded after that is work after the response. */
  responseSent: boolean;
  /** The response the app wrote for this request (serverless-express creates it). */
  response?: ServerResponse;
}

export type Phase =
  | { readonly kind: 'load' }
  | { readonly kind: 'request'; readonly scope: RequestScope }
  | { readonly kind: 'idle' };

export interface Observed {
  readonly phase: Phase;
  readonly location: string | undefined;
  /** Recorded in a probe's scope after its response was sent. */
  readonly afterResponse?: boolean;
}

export interface ListenCall extends Observed {
  readonly server: Server;
}
export interface FileWrite extends Observed {
  readonly operation: string;
  readonly path: string;
}
export interface Connection extends Observed {
  readonly target: string;
}
export interface TimerCreated extends Observed {
  readonly kind: 'setInterval' | 'setTimeout';
  readonly timer: NodeJS.Timeout;
}
export type SessionStoreCreated = Observed;
export interface DiskStorageCreated extends Observed {
  readonly destination: string | undefined;
}

const requestScope = new AsyncLocalStorage<RequestScope>();
let loading = true;

export const observed = {
  listens: [] as ListenCall[],
  servers: [] as Server[],
  fileWrites: [] as FileWrite[],
  connections: [] as Connection[],
  timers: [] as TimerCreated[],
  memoryStores: [] as SessionStoreCreated[],
  diskStorages: [] as DiskStorageCreated[],
};

export function currentPhase(): Phase {
  const scope = requestScope.getStore();
  if (scope !== undefined) return { kind: 'request', scope };
  return loading ? { kind: 'load' } : { kind: 'idle' };
}

export function loadingFinished(): void {
  loading = false;
}

/** Runs one probe request in its own scope, so what it starts is attributed to it. */
export function inRequestScope<T>(scope: RequestScope, run: () => Promise<T>): Promise<T> {
  return requestScope.run(scope, run);
}

/** The phase, whether a response was already sent, and the app's line that got here. */
export function sighting(): Observed {
  const phase = currentPhase();
  return { phase, location: appCallSite(), afterResponse: phase.kind === 'request' && phase.scope.responseSent };
}
