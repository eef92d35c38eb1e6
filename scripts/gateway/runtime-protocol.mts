// What the gateway's thread and an execution environment (a worker running lambda-runtime.mts) exchange, and the
// two "bells" that let either side wait for the other without an event-loop wake-up. Imports nothing: the
// environment loads it beside the function.
//
// Invocations and results travel on a MessageChannel of their own, read with receiveMessageOnPort. Each side
// rings the other's bell (an Int32Array over a SharedArrayBuffer) after posting: the environment, frozen in
// Atomics.wait between invocations as Lambda freezes one, wakes on the invocation bell; the gateway, waiting
// briefly for a quick result, wakes on the result bell. A futex wake-up, where an event-loop message costs
// libuv's async wake-up and an event dispatch on the thread that receives it.
import type { MessagePort } from 'node:worker_threads';

export type ToRuntime = {
  readonly id: number;
  readonly awsRequestId: string;
  readonly deadlineMs: number;
  readonly event: string;
};

/** On the invocation channel, in answer to one ToRuntime. */
export type InvocationOutcome =
  | { readonly type: 'result'; readonly id: number; readonly payload: string }
  | { readonly type: 'error'; readonly id: number; readonly error: string };

/** On the worker's parentPort: start-up, and the function's log output as it writes it. */
export type RuntimeNotice =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: string }
  | { readonly type: 'log'; readonly stream: 'stdout' | 'stderr'; readonly text: string };

/** The worker's workerData. */
export interface RuntimeChannels {
  /** The environment's end of the invocation channel (the gateway keeps the other). */
  readonly invocations: MessagePort;
  /** The bells, as an Int32Array's buffer: see INVOCATION_BELL and RESULT_BELL. */
  readonly bells: SharedArrayBuffer;
}

/** Rung by the gateway after posting an invocation. */
export const INVOCATION_BELL = 0;
/** Rung by the environment after posting an outcome. */
export const RESULT_BELL = 1;

export function createBells(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

export function ring(bells: Int32Array, bell: number): void {
  Atomics.add(bells, bell, 1);
  Atomics.notify(bells, bell);
}
