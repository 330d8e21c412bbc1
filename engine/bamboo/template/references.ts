// Free names of an expression: the identifiers it reads that nothing inside it binds. These are
// the context keys a fragment depends on (what Mako reports as "undeclared identifiers").

import { children, type Expr, type Target } from "./parser";

/** Free names in first-seen order; `ignore` filters names that are not context keys (builtins). */
export function freeNames(expr: Expr, ignore: (name: string) => boolean): string[] {
  const found = new Set<string>();
  visit(expr, new Set(), (name) => {
    if (!ignore(name)) found.add(name);
  });
  return [...found];
}

function visit(expr: Expr, bound: ReadonlySet<string>, report: (name: string) => void): void {
  if (expr.kind === "name") {
    if (!bound.has(expr.id)) report(expr.id);
    return;
  }
  if (expr.kind !== "comprehension") {
    for (const child of children(expr)) visit(child, bound, report);
    return;
  }
  // Python scoping: the first iterable is read in the enclosing scope; everything after a
  // `for` sees the names it binds.
  let scope = bound;
  for (const generator of expr.generators) {
    visit(generator.iter, scope, report);
    scope = new Set([...scope, ...targetNames(generator.target)]);
    for (const condition of generator.conditions) visit(condition, scope, report);
  }
  visit(expr.element, scope, report);
}

export function targetNames(target: Target): string[] {
  return target.kind === "name" ? [target.id] : target.items.flatMap(targetNames);
}
