// Errors raised while lexing, parsing or evaluating a template expression. Any of them makes the
// fragment stay literal; the Python type name is kept so messages read like the ones bamboo logs.

export class PyError extends Error {
  constructor(
    readonly pyType: string,
    /** The message alone, as Python's str(exception) gives it. */
    readonly detail: string,
  ) {
    super(`${pyType}: ${detail}`);
    this.name = "PyError";
  }
}

/** The expression is not valid in the supported subset (Python's SyntaxError). */
export class TemplateSyntaxError extends PyError {
  constructor(detail: string, position: number) {
    super("SyntaxError", `${detail} (at char ${position})`);
  }
}

/** The expression uses a construct the safety checker refuses (Mako's ForbiddenMakoTemplateException). */
export class ForbiddenTemplateError extends PyError {
  constructor(detail: string) {
    super("ForbiddenTemplate", detail);
  }
}
