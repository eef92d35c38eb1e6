// listen() never binds in the doctor: the call is recorded (with the server, whose request listener is the app)
// and the server pretends to be listening, so the app's callback runs as it would.
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { observed, sighting } from './observations.mts';

type Listen = (this: net.Server, ...args: unknown[]) => net.Server;

export function interceptListen(): void {
  const fakeListen: Listen = function listenWithoutBinding(...args) {
    observed.listens.push({ server: this, ...sighting() });
    const port =
      typeof args[0] === 'number'
        ? args[0]
        : typeof args[0] === 'object' && args[0] !== null
          ? Number((args[0] as { port?: unknown }).port ?? 0)
          : 0;
    const address: AddressInfo = { address: '127.0.0.1', family: 'IPv4', port };
    Object.defineProperty(this, 'address', { value: () => address, configurable: true });
    const callback = args.at(-1);
    if (typeof callback === 'function') this.once('listening', callback as () => void);
    process.nextTick(() => this.emit('listening'));
    return this;
  };
  net.Server.prototype.listen = fakeListen as typeof net.Server.prototype.listen;

  // Servers created but never listened on still show their upgrade handlers (ws attaches to a server).
  for (const module of [http, https] as const) {
    const createServer = module.createServer;
    module.createServer = function recordedCreateServer(this: unknown, ...args: unknown[]) {
      const server = (createServer as (...a: unknown[]) => net.Server).apply(this, args);
      observed.servers.push(server);
      return server;
    } as typeof module.createServer;
  }
}
