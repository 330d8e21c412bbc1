// The baseline for `npm run bench:hooks`: Fastify 4 on Node serving the same mutatingPreResolve hook natively
// (same route, same logic: the input with one field added). Listens on 127.0.0.1:$PORT, prints "ready".
import Fastify from "fastify";

const app = Fastify({ logger: false });
app.post("/operation/Todo/CreateOne/mutatingPreResolve", async (request) => {
  const { __wg, input } = request.body;
  return { op: "Todo/CreateOne", hook: "mutatingPreResolve", input: { ...(input ?? {}), createdBy: __wg?.user?.userId } };
});
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
console.log("ready");
