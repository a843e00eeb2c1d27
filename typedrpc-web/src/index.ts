// @typedrpc/web: a Connect-ES transport for typedrpc servers.

export {
  createTypedrpcTransport,
  type ServiceVersionOptions,
  type TypedrpcTransport,
  type TypedrpcTransportOptions,
} from "./transport.js";
export type { BackoffOptions } from "./channel.js";
export type { TransportName } from "./link.js";
export { SUBPROTOCOL, type WebSocketConstructor } from "./ws-link.js";
