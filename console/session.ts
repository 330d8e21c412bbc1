import type { Session } from "./client";

/** The sign-in lives in this tab's sessionStorage only: closing the tab forgets the token. */
const KEY = "hookflow.console.session";

export function loadSession(): Session | undefined {
  try {
    const saved = JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Session | null;
    return saved && typeof saved.token === "string" && typeof saved.project === "string" ? saved : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
}
