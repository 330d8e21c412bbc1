// Recursive-descent parser from tokens to an AST, following Python's expression grammar and
// precedence. It also plays the part of bamboo's Mako safety checker: dunder names, the shield
// words and private attributes are refused here, before anything is evaluated.

import { ForbiddenTemplateError, TemplateSyntaxError } from "./errors";
import { LIMITS } from "./limits";
import { type Token, tokenize } from "./lexer";
import type { PyValue } from "./values";

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "is" | "is not";
export type BinaryOp = "+" | "-" | "*" | "/" | "//" | "%" | "**";

/** A `for` target: a name, or a tuple of targets (`for k, v in d.items()`). */
export type Target = { readonly kind: "name"; readonly id: string } | { readonly kind: "tuple"; readonly items: readonly Target[] };

export type Generator = { readonly target: Target; readonly iter: Expr; readonly conditions: readonly Expr[] };

export type Keyword = { readonly name: string; readonly value: Expr };

export type Expr =
  | { readonly kind: "constant"; readonly value: PyValue }
  | { readonly kind: "name"; readonly id: string }
  | { readonly kind: "list"; readonly items: readonly Expr[] }
  | { readonly kind: "tuple"; readonly items: readonly Expr[] }
  | { readonly kind: "dict"; readonly keys: readonly Expr[]; readonly values: readonly Expr[] }
  | { readonly kind: "attribute"; readonly object: Expr; readonly name: string }
  | { readonly kind: "index"; readonly object: Expr; readonly index: Expr }
  | { readonly kind: "slice"; readonly object: Expr; readonly lower?: Expr; readonly upper?: Expr; readonly step?: Expr }
  | { readonly kind: "call"; readonly func: Expr; readonly args: readonly Expr[]; readonly keywords: readonly Keyword[] }
  | { readonly kind: "unary"; readonly op: "-" | "+" | "not"; readonly operand: Expr }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: "boolean"; readonly op: "and" | "or"; readonly values: readonly Expr[] }
  | { readonly kind: "compare"; readonly left: Expr; readonly ops: readonly CompareOp[]; readonly comparators: readonly Expr[] }
  | { readonly kind: "conditional"; readonly test: Expr; readonly body: Expr; readonly orelse: Expr }
  | { readonly kind: "comprehension"; readonly element: Expr; readonly generators: readonly Generator[] };

/** Bamboo's MAKO_SANDBOX_SHIELD_WORDS and the builtins its checker refuses: never names here. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  "eval", "exec", "execfile", "open", "compile", "getattr", "setattr", "delattr", "hasattr", "globals", "locals", "vars",
  "dir", "input", "breakpoint", "exit", "quit", "memoryview", "super", "iter", "next", "print", "help",
]);

// Python keywords that cannot be names; those the subset uses are handled by the grammar.
const KEYWORDS = new Set([
  "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally",
  "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try",
  "while", "with", "yield", "True", "False", "None",
]);

const COMPARE_OPS = new Set(["==", "!=", "<", "<=", ">", ">="]);

export function parseExpression(source: string): Expr {
  if (source.length > LIMITS.maxExpressionLength) throw new TemplateSyntaxError("expression too long", LIMITS.maxExpressionLength);
  const parser = new Parser(tokenize(source));
  const expr = parser.expression();
  parser.expectEnd();
  checkDepth(expr, 0);
  return expr;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  expectEnd(): void {
    const token = this.peek();
    if (token.type !== "end") throw new TemplateSyntaxError(`unexpected ${describe(token)}`, token.pos);
  }

  /** expression := or_test ['if' or_test 'else' expression] */
  expression(): Expr {
    return this.nested(() => {
      const body = this.orTest();
      if (!this.acceptName("if")) return body;
      const test = this.orTest();
      this.expectName("else");
      return { kind: "conditional", test, body, orelse: this.expression() };
    });
  }

  private orTest(): Expr {
    return this.booleanChain("or", () => this.andTest());
  }

  private andTest(): Expr {
    return this.booleanChain("and", () => this.notTest());
  }

  private booleanChain(op: "and" | "or", operand: () => Expr): Expr {
    const values = [operand()];
    while (this.acceptName(op)) values.push(operand());
    return values.length === 1 ? (values[0] as Expr) : { kind: "boolean", op, values };
  }

  private notTest(): Expr {
    if (this.acceptName("not")) return this.nested(() => ({ kind: "unary", op: "not", operand: this.notTest() }));
    return this.comparison();
  }

  /** Chained comparisons: `a < b < c` keeps every operator and operand. */
  private comparison(): Expr {
    const left = this.arithmetic();
    const ops: CompareOp[] = [];
    const comparators: Expr[] = [];
    for (;;) {
      const op = this.compareOp();
      if (op === undefined) break;
      ops.push(op);
      comparators.push(this.arithmetic());
    }
    return ops.length === 0 ? left : { kind: "compare", left, ops, comparators };
  }

  private compareOp(): CompareOp | undefined {
    const token = this.peek();
    if (token.type === "op" && COMPARE_OPS.has(token.value)) {
      this.index++;
      return token.value as CompareOp;
    }
    if (this.acceptName("in")) return "in";
    if (this.isName(token, "not") && this.isName(this.peek(1), "in")) {
      this.index += 2;
      return "not in";
    }
    if (this.acceptName("is")) return this.acceptName("not") ? "is not" : "is";
    return undefined;
  }

  private arithmetic(): Expr {
    return this.binaryChain(["+", "-"], () => this.term());
  }

  private term(): Expr {
    return this.binaryChain(["*", "/", "//", "%"], () => this.factor());
  }

  private binaryChain(ops: readonly BinaryOp[], operand: () => Expr): Expr {
    let left = operand();
    for (let length = 1; ; length++) {
      const op = this.acceptOp(...ops);
      if (op === undefined) return left;
      if (length > LIMITS.maxDepth) throw new TemplateSyntaxError("expression nested too deeply", this.peek().pos);
      left = { kind: "binary", op: op as BinaryOp, left, right: operand() };
    }
  }

  private factor(): Expr {
    const op = this.acceptOp("-", "+");
    if (op !== undefined) return this.nested(() => ({ kind: "unary", op: op as "-" | "+", operand: this.factor() }));
    return this.power();
  }

  /** `**` binds tighter than a unary minus on its left and is right-associative: -2**2 is -4. */
  private power(): Expr {
    const base = this.primary();
    if (this.acceptOp("**") === undefined) return base;
    return { kind: "binary", op: "**", left: base, right: this.nested(() => this.factor()) };
  }

  /** primary := atom ( '(' args ')' | '[' subscript ']' | '.' NAME )* */
  private primary(): Expr {
    let expr = this.atom();
    for (let length = 1; ; length++) {
      if (length > LIMITS.maxDepth) throw new TemplateSyntaxError("expression nested too deeply", this.peek().pos);
      if (this.acceptOp("(") !== undefined) expr = this.nested(() => this.call(expr));
      else if (this.acceptOp("[") !== undefined) expr = this.nested(() => this.subscript(expr));
      else if (this.acceptOp(".") !== undefined) expr = { kind: "attribute", object: expr, name: this.attributeName() };
      else return expr;
    }
  }

  private attributeName(): string {
    const token = this.next();
    if (token.type !== "name") throw new TemplateSyntaxError(`expected an attribute name, got ${describe(token)}`, token.pos);
    if (token.value.startsWith("_")) throw new ForbiddenTemplateError(`can not access private attribute ${token.value}`);
    return token.value;
  }

  private call(func: Expr): Expr {
    const args: Expr[] = [];
    const keywords: Keyword[] = [];
    while (this.acceptOp(")") === undefined) {
      if (args.length + keywords.length > 0) this.expectOp(",");
      if (this.acceptOp(")") !== undefined) break; // trailing comma
      const token = this.peek();
      if (token.type === "name" && this.isOp(this.peek(1), "=")) {
        const name = token.value;
        this.index += 2;
        keywords.push({ name, value: this.expression() });
        continue;
      }
      if (keywords.length > 0) throw new TemplateSyntaxError("positional argument follows keyword argument", this.peek().pos);
      const arg = this.expression();
      // A lone generator argument, as in `",".join(x for x in l)`, evaluates like a list comprehension.
      if (args.length === 0 && this.isName(this.peek(), "for")) {
        args.push(this.comprehension(arg));
        this.expectOp(")");
        break;
      }
      args.push(arg);
    }
    return { kind: "call", func, args, keywords };
  }

  private subscript(object: Expr): Expr {
    const lower = this.isOp(this.peek(), ":") ? undefined : this.expression();
    if (lower !== undefined && this.acceptOp("]") !== undefined) {
      if (lower.kind === "constant" && typeof lower.value === "string" && lower.value.startsWith("__")) {
        throw new ForbiddenTemplateError(`can not access private key ${lower.value}`);
      }
      return { kind: "index", object, index: lower };
    }
    this.expectOp(":");
    const upper = this.isOp(this.peek(), ":") || this.isOp(this.peek(), "]") ? undefined : this.expression();
    let step: Expr | undefined;
    if (this.acceptOp(":") !== undefined && !this.isOp(this.peek(), "]")) step = this.expression();
    this.expectOp("]");
    return { kind: "slice", object, lower, upper, step };
  }

  private atom(): Expr {
    const token = this.next();
    switch (token.type) {
      case "number":
        return { kind: "constant", value: token.value };
      case "string": {
        // Adjacent literals concatenate: "a" "b" is "ab".
        let value = token.value;
        for (let following = this.peek(); following.type === "string"; following = this.peek()) {
          value += following.value;
          this.index++;
        }
        return { kind: "constant", value };
      }
      case "name":
        return this.nameAtom(token.value, token.pos);
      case "op":
        if (token.value === "(") return this.nested(() => this.parenthesized());
        if (token.value === "[") return this.nested(() => this.listDisplay());
        if (token.value === "{") return this.nested(() => this.dictDisplay());
        break;
    }
    throw new TemplateSyntaxError(`unexpected ${describe(token)}`, token.pos);
  }

  private nameAtom(id: string, pos: number): Expr {
    if (id === "True") return { kind: "constant", value: true };
    if (id === "False") return { kind: "constant", value: false };
    if (id === "None") return { kind: "constant", value: null };
    if (KEYWORDS.has(id)) throw new TemplateSyntaxError(`unexpected keyword ${id}`, pos);
    checkName(id);
    return { kind: "name", id };
  }

  private parenthesized(): Expr {
    if (this.acceptOp(")") !== undefined) return { kind: "tuple", items: [] };
    const first = this.expression();
    if (this.acceptOp(")") !== undefined) return first;
    const items = [first, ...this.restOfItems(")")];
    return { kind: "tuple", items };
  }

  private listDisplay(): Expr {
    if (this.acceptOp("]") !== undefined) return { kind: "list", items: [] };
    const first = this.expression();
    if (this.isName(this.peek(), "for")) {
      const comprehension = this.comprehension(first);
      this.expectOp("]");
      return comprehension;
    }
    if (this.acceptOp("]") !== undefined) return { kind: "list", items: [first] };
    return { kind: "list", items: [first, ...this.restOfItems("]")] };
  }

  /** After a first item: `, item`* with an optional trailing comma, then the closing bracket. */
  private restOfItems(close: string): Expr[] {
    const items: Expr[] = [];
    for (;;) {
      this.expectOp(",");
      if (this.acceptOp(close) !== undefined) return items;
      items.push(this.expression());
      if (this.acceptOp(close) !== undefined) return items;
    }
  }

  private dictDisplay(): Expr {
    const keys: Expr[] = [];
    const values: Expr[] = [];
    while (this.acceptOp("}") === undefined) {
      if (keys.length > 0) {
        this.expectOp(",");
        if (this.acceptOp("}") !== undefined) break;
      }
      keys.push(this.expression());
      this.expectOp(":");
      values.push(this.expression());
    }
    return { kind: "dict", keys, values };
  }

  /** `element for target in iter [if cond]* [for …]*`; conditions and iterables are or_tests, as in Python. */
  private comprehension(element: Expr): Expr {
    const generators: Generator[] = [];
    while (this.acceptName("for")) {
      const target = this.targetList();
      this.expectName("in");
      const iter = this.orTest();
      const conditions: Expr[] = [];
      while (this.acceptName("if")) conditions.push(this.orTest());
      generators.push({ target, iter, conditions });
    }
    return { kind: "comprehension", element, generators };
  }

  private targetList(): Target {
    const first = this.target();
    if (!this.isOp(this.peek(), ",")) return first;
    const items = [first];
    while (this.acceptOp(",") !== undefined && !this.isName(this.peek(), "in")) items.push(this.target());
    return { kind: "tuple", items };
  }

  private target(): Target {
    if (this.acceptOp("(") !== undefined) {
      const inner = this.nested(() => this.targetList());
      this.expectOp(")");
      return inner.kind === "tuple" ? inner : { kind: "tuple", items: [inner] };
    }
    const token = this.next();
    if (token.type !== "name" || KEYWORDS.has(token.value)) throw new TemplateSyntaxError(`expected a loop variable, got ${describe(token)}`, token.pos);
    checkName(token.value);
    return { kind: "name", id: token.value };
  }

  /** Guards recursion so that deeply nested input fails cleanly instead of overflowing the stack. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > LIMITS.maxDepth) throw new TemplateSyntaxError("expression nested too deeply", this.peek().pos);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== "end") this.index++;
    return token;
  }

  private isName(token: Token, value: string): boolean {
    return token.type === "name" && token.value === value;
  }

  private isOp(token: Token, value: string): boolean {
    return token.type === "op" && token.value === value;
  }

  private acceptName(value: string): boolean {
    if (!this.isName(this.peek(), value)) return false;
    this.index++;
    return true;
  }

  private acceptOp(...values: readonly string[]): string | undefined {
    const token = this.peek();
    if (token.type !== "op" || !values.includes(token.value)) return undefined;
    this.index++;
    return token.value;
  }

  private expectName(value: string): void {
    if (!this.acceptName(value)) throw new TemplateSyntaxError(`expected '${value}', got ${describe(this.peek())}`, this.peek().pos);
  }

  private expectOp(value: string): void {
    if (this.acceptOp(value) === undefined) throw new TemplateSyntaxError(`expected '${value}', got ${describe(this.peek())}`, this.peek().pos);
  }
}

function checkName(id: string): void {
  if (id.startsWith("__")) throw new ForbiddenTemplateError(`can not access private name ${id}`);
  if (FORBIDDEN_NAMES.has(id)) throw new ForbiddenTemplateError(`${id} is forbidden in templates`);
}

function describe(token: Token): string {
  return token.type === "end" ? "end of expression" : `'${String(token.value)}'`;
}

/** Left-leaning chains (`a+a+…+a`) are built by loops, not recursion, so bound the tree depth here too. */
function checkDepth(expr: Expr, depth: number): void {
  if (depth > LIMITS.maxDepth) throw new TemplateSyntaxError("expression nested too deeply", 0);
  for (const child of children(expr)) checkDepth(child, depth + 1);
}

/** The direct sub-expressions of a node. */
export function children(expr: Expr): readonly Expr[] {
  switch (expr.kind) {
    case "constant":
    case "name":
      return [];
    case "list":
    case "tuple":
      return expr.items;
    case "dict":
      return [...expr.keys, ...expr.values];
    case "attribute":
      return [expr.object];
    case "index":
      return [expr.object, expr.index];
    case "slice":
      return [expr.object, expr.lower, expr.upper, expr.step].filter((part): part is Expr => part !== undefined);
    case "call":
      return [expr.func, ...expr.args, ...expr.keywords.map((keyword) => keyword.value)];
    case "unary":
      return [expr.operand];
    case "binary":
      return [expr.left, expr.right];
    case "boolean":
      return expr.values;
    case "compare":
      return [expr.left, ...expr.comparators];
    case "conditional":
      return [expr.test, expr.body, expr.orelse];
    case "comprehension":
      return [expr.element, ...expr.generators.flatMap((generator) => [generator.iter, ...generator.conditions])];
  }
}
