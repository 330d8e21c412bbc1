// V13: the connection_init payload for graphql-ws upstreams (Fireboom only calls this for GraphQL data
// sources with the onWSTransportConnectionInit flag).
import { CHAT_WS_TOKEN } from "../lib/todo";

/** @type {import("hookflow/fireboom").OnConnectionInitHook} */
export default function onConnectionInit(ctx) {
  if (ctx.dataSourceId === "chatws") return { authToken: CHAT_WS_TOKEN };
  return {};
}
