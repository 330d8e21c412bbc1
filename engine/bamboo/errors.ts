/**
 * The engine's refusals. The operator API answers them as `409 invalid_operation` (NotFound as 404) with the
 * message bamboo gives, and changes nothing.
 */
export class InvalidOperation extends Error {
  override readonly name = "InvalidOperationError";
}

export class NotFound extends Error {
  override readonly name = "NotFoundError";
}

/** A versioned `set_state` whose version no longer matches: the work that called it is stale. */
export class StateVersionNotMatch extends Error {
  override readonly name = "StateVersionNotMatchError";
}

/** `set_state` asked for a transition the table does not allow (bamboo raises RuntimeError). */
export class IllegalTransition extends Error {
  override readonly name = "RuntimeError";
}
