// V22: the "chat" customized GraphQL data source (Fireboom calls /gqls/chat/graphql).
// hookflow has no GraphQL executor, so this script recognises the few root fields its schema
// (chat.json, an introspection __schema) declares:
//   query    { message(id: Int!): Message }
//   subscription { onMessage: Message }
// A subscription answers with an async iterable of GraphQL responses (sent as SSE events).

const MESSAGES = [
  { id: 1, text: "hi" },
  { id: 2, text: "yo" },
];

/**
 * Value of the `id` argument of `message(id: …)`: a literal or a $variable.
 * @param {string} query
 * @param {Readonly<Record<string, unknown>>} variables
 */
function messageId(query, variables) {
  const match = /message\s*\(\s*id\s*:\s*(\$?\w+)\s*\)/.exec(query);
  if (!match) return undefined;
  const arg = match[1];
  return arg.startsWith("$") ? variables[arg.slice(1)] : Number(arg);
}

/** @type {import("hookflow/fireboom").CustomizeHook} */
export default function chat(ctx) {
  const query = ctx.query.trim();
  if (query.startsWith("subscription")) {
    return (async function* () {
      for (const message of MESSAGES.slice(1)) yield { data: { onMessage: message } };
    })();
  }
  if (/\bmessage\s*\(/.test(query)) {
    const id = messageId(query, ctx.variables);
    return { data: { message: MESSAGES.find((m) => m.id === id) ?? null } };
  }
  return { errors: [{ message: "chat: only message(id) and onMessage are supported" }] };
}
