// bamboo pipeline trees for `npm run bench:pipelines`, in the exact shape bamboo's builder emits (spec
// bamboo-engine.md §1.8): `incoming` lists, `outgoing` strings (a list on a ParallelGateway), flows
// `{id, source, target, is_default}`, ids a letter and 32 hex digits.
import { randomBytes } from "node:crypto";

export const newId = (prefix) => prefix + randomBytes(16).toString("hex");

const activity = (id, code, incoming, outgoing) => ({
  id,
  name: null,
  type: "ServiceActivity",
  incoming: [incoming],
  outgoing,
  component: { code, inputs: {} },
  error_ignorable: false,
  skippable: true,
  retryable: true,
  optional: false,
  timeout: null,
});

function skeleton() {
  return {
    id: newId("p"),
    start_event: { id: newId("n"), name: null, type: "EmptyStartEvent", incoming: "", outgoing: "" },
    end_event: { id: newId("n"), name: null, type: "EmptyEndEvent", incoming: [], outgoing: "" },
    activities: {},
    gateways: {},
    flows: {},
    data: { inputs: {}, outputs: [], pre_render_keys: [] },
  };
}

function flow(tree, source, target) {
  const id = newId("f");
  tree.flows[id] = { id, source, target, is_default: false };
  return id;
}

/** start → one ServiceActivity per entry of `codes` (its component code) → end. `activities` lists their ids in order. */
export function chain(codes) {
  const tree = skeleton();
  const activities = [];
  let previous = tree.start_event;
  for (const code of codes) {
    const id = newId("n");
    const f = flow(tree, previous.id, id);
    previous.outgoing = f;
    const node = activity(id, code, f, "");
    tree.activities[id] = node;
    activities.push(id);
    previous = node;
  }
  const f = flow(tree, previous.id, tree.end_event.id);
  previous.outgoing = f;
  tree.end_event.incoming = [f];
  return { tree, activities, nodes: codes.length + 2 };
}

/** start → n ServiceActivities of `code` → end. */
export const linear = (n, code) => chain(Array(n).fill(code));

/** start → ParallelGateway → n branches of one ServiceActivity of `code` each → ConvergeGateway → end. */
export function parallel(n, code) {
  const tree = skeleton();
  const pg = { id: newId("n"), name: null, type: "ParallelGateway", incoming: [], outgoing: [] };
  const cg = { id: newId("n"), name: null, type: "ConvergeGateway", incoming: [], outgoing: "" };
  tree.gateways[pg.id] = pg;
  tree.gateways[cg.id] = cg;
  const f0 = flow(tree, tree.start_event.id, pg.id);
  tree.start_event.outgoing = f0;
  pg.incoming = [f0];
  const activities = [];
  for (let i = 0; i < n; i++) {
    const id = newId("n");
    const into = flow(tree, pg.id, id);
    pg.outgoing.push(into);
    const out = flow(tree, id, cg.id);
    cg.incoming.push(out);
    tree.activities[id] = activity(id, code, into, out);
    activities.push(id);
  }
  const last = flow(tree, cg.id, tree.end_event.id);
  cg.outgoing = last;
  tree.end_event.incoming = [last];
  return { tree, activities, nodes: n + 4 };
}
