// Every outbound connection fails at once, as if refused: loading or probing the app must never reach a
// database or a service. The attempt is recorded (work after the response shows up this way too).
import net from 'node:net';
import { observed, sighting } from './observations.mts';

export function blockOutboundConnections(): void {
  net.Socket.prototype.connect = function refusedConnect(this: net.Socket, ...args: unknown[]) {
    const target = describeTarget(args[0], args[1]);
    observed.connections.push({ target, ...sighting() });
    const error = Object.assign(new Error(`connect ECONNREFUSED ${target} (blocked by lambdalith doctor)`), {
      code: 'ECONNREFUSED',
    });
    process.nextTick(() => this.destroy(error));
    return this;
  } as typeof net.Socket.prototype.connect;
}

function describeTarget(first: unknown, second: unknown): string {
  // connect(options), connect(port, host), connect(path), or the internal [options, callback] pair.
  const options = Array.isArray(first) ? (first[0] as unknown) : first;
  if (typeof options === 'object' && options !== null) {
    const { host, port, path } = options as { host?: unknown; port?: unknown; path?: unknown };
    if (typeof path === 'string') return path;
    return `${typeof host === 'string' ? host : 'localhost'}:${String(port)}`;
  }
  if (typeof options === 'number') return `${typeof second === 'string' ? second : 'localhost'}:${options}`;
  return String(options);
}
