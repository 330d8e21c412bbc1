import { render, useMemo, useState } from "hono/jsx/dom";
import { Client, projectOfApiKey, type Session } from "./client";
import { InvocationsPage } from "./pages/invocations";
import { PipelineRunPage } from "./pages/pipeline-run";
import { PipelinesPage } from "./pages/pipelines";
import { ScriptsPage } from "./pages/scripts";
import { WaitsPage } from "./pages/waits";
import { ExecutionPage, WorkflowPage, WorkflowsPage } from "./pages/workflows";
import { href, useRoute } from "./route";
import { forgetSession, loadSession, saveSession } from "./session";
import { ErrorLine, messageOf } from "./ui";
import "./style.css";

const SECTIONS = [
  ["pipelines", "Pipelines"],
  ["workflows", "Workflows"],
  ["scripts", "Scripts"],
  ["waits", "Waits"],
  ["invocations", "Recorded calls"],
] as const;

/**
 * Sign-in with a project API key (its project is in the key) or the admin token and a project name. The token is
 * checked against the project before it is kept, in this tab's sessionStorage only.
 */
function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState("");
  const [project, setProject] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const keyProject = projectOfApiKey(token.trim());
  const submit = async (event: Event) => {
    event.preventDefault();
    const session = { token: token.trim(), project: keyProject ?? project.trim() };
    if (session.project === "") {
      setError("Enter the project to open with the admin token.");
      return;
    }
    try {
      await new Client(session).projectInfo();
      saveSession(session);
      onSignedIn(session);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  return (
    <main class="sign-in">
      <h1>hookflow console</h1>
      <form onSubmit={submit} aria-label="sign in">
        <label>
          API key or admin token
          <input name="token" type="password" autocomplete="off" required value={token} onInput={(e: Event) => setToken((e.target as HTMLInputElement).value)} />
        </label>
        {keyProject === undefined ? (
          <label>
            Project (admin token)
            <input name="project" value={project} onInput={(e: Event) => setProject((e.target as HTMLInputElement).value)} />
          </label>
        ) : (
          <p>
            Project <strong>{keyProject}</strong> (from the key)
          </p>
        )}
        <button type="submit">Sign in</button>
        <ErrorLine error={error} />
        <p class="hint">The token is kept in this tab only (sessionStorage) and sent to this server's API.</p>
      </form>
    </main>
  );
}

function Page({ client, route }: { client: Client; route: string[] }) {
  const [section, id] = route;
  switch (section) {
    case "workflows":
      return id === undefined ? <WorkflowsPage client={client} /> : <WorkflowPage client={client} workflowKey={id} />;
    case "executions":
      return id === undefined ? <WorkflowsPage client={client} /> : <ExecutionPage client={client} id={id} />;
    case "scripts":
      return <ScriptsPage client={client} selected={route.slice(1).join("/") || undefined} />;
    case "waits":
      return <WaitsPage client={client} />;
    case "invocations":
      return <InvocationsPage client={client} />;
    default:
      return id === undefined ? <PipelinesPage client={client} /> : <PipelineRunPage client={client} id={id} />;
  }
}

function App() {
  const [session, setSession] = useState(loadSession());
  const route = useRoute();
  const client = useMemo(() => (session === undefined ? undefined : new Client(session)), [session]);
  if (client === undefined) return <SignIn onSignedIn={setSession} />;
  const current = route[0] === "executions" ? "workflows" : (route[0] ?? "pipelines");
  return (
    <>
      <header>
        <nav aria-label="sections">
          <strong class="brand">hookflow</strong>
          <ul>
            {SECTIONS.map(([key, label]) => (
              <li>
                <a href={href(key)} aria-current={current === key ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
          <span class="who">
            project <strong data-testid="project">{client.project}</strong>{" "}
            <button
              type="button"
              onClick={() => {
                forgetSession();
                setSession(undefined);
              }}
            >
              Sign out
            </button>
          </span>
        </nav>
      </header>
      <main>
        <Page client={client} route={route} />
      </main>
    </>
  );
}

render(<App />, document.getElementById("console")!);
