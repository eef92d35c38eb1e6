// Records what the app writes to each response: the bytes as the app meant them (before serverless-express
// turns them into a Lambda result), how many writes it took, and whether headers were flushed early (streaming).
// The first response written in a probe's scope is the probe's; its end marks its probe's scope, so later work counts as work after the response.
import http from 'node:http';
import { currentPhase } from './observations.mts';

export interface ResponseRecord {
  readonly chunks: Buffer[];
  writes: number;
  flushedHeaders: boolean;
  ended: boolean;
}

const records = new WeakMap<http.OutgoingMessage, ResponseRecord>();

export function responseRecordOf(res: http.OutgoingMessage): ResponseRecord {
  let record = records.get(res);
  if (record === undefined) {
    record = { chunks: [], writes: 0, flushedHeaders: false, ended: false };
    records.set(res, record);
  }
  return record;
}

export function interceptResponses(): void {
  const proto = http.OutgoingMessage.prototype;
  const { write, end, flushHeaders } = proto;
  proto.write = function recordedWrite(this: http.OutgoingMessage, chunk: unknown, ...rest: unknown[]) {
    if (this instanceof http.ServerResponse) {
      const record = responseRecordOf(this);
      claimForProbe(this);
      record.writes += 1;
      record.chunks.push(toBuffer(chunk, rest[0]));
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof proto.write;
  proto.end = function recordedEnd(this: http.OutgoingMessage, ...args: unknown[]) {
    if (this instanceof http.ServerResponse) {
      const record = responseRecordOf(this);
      claimForProbe(this);
      if (typeof args[0] !== 'function' && args[0] !== undefined && args[0] !== null)
        record.chunks.push(toBuffer(args[0], args[1]));
      record.ended = true;
      const phase = currentPhase();
      if (phase.kind === 'request') phase.scope.responseSent = true;
    }
    return (end as (...a: unknown[]) => http.OutgoingMessage).apply(this, args);
  } as typeof proto.end;
  proto.flushHeaders = function recordedFlushHeaders(this: http.OutgoingMessage) {
    if (this instanceof http.ServerResponse) {
      responseRecordOf(this).flushedHeaders = true;
      claimForProbe(this);
    }
    flushHeaders.call(this);
  };
}

/** The first response written in a probe's scope is that probe's response. */
function claimForProbe(res: http.ServerResponse): void {
  const phase = currentPhase();
  if (phase.kind === 'request') phase.scope.response ??= res;
}

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' && Buffer.isEncoding(encoding) ? encoding : 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return Buffer.alloc(0);
}
