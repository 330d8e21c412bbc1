import { diffLines } from "diff";
import { useEffect, useState } from "hono/jsx/dom";
import type { Client, InvokeAnswer } from "../client";
import { href } from "../route";
import { ErrorLine, Json, OutcomeLine, parseJson, useAction, useLoad } from "../ui";

const kindOf = (path: string) => path.split("/")[0] ?? path;

/** The project's scripts by kind; the selected one's source, versions, diff, upload, rollback and invoke playground. */
export function ScriptsPage({ client, selected }: { client: Client; selected: string | undefined }) {
  const list = useLoad(() => client.listScripts(), []);
  const kinds = new Map<string, { path: string; version: number }[]>();
  for (const script of list.data?.scripts ?? []) kinds.set(kindOf(script.path), [...(kinds.get(kindOf(script.path)) ?? []), script]);
  return (
    <section aria-labelledby="scripts-title">
      <h1 id="scripts-title">Scripts</h1>
      <ErrorLine error={list.error} />
      <div class="run-layout">
        <nav aria-label="scripts by kind" class="script-list">
          {[...kinds.entries()].map(([kind, scripts]) => (
            <section>
              <h2>{kind}</h2>
              <ul>
                {scripts.map((s) => (
                  <li>
                    <a href={href("scripts", ...s.path.split("/"))} aria-current={s.path === selected ? "page" : undefined}>
                      {s.path.slice(kind.length + 1)}
                    </a>{" "}
                    <small>v{s.version}</small>
                  </li>
                ))}
              </ul>
            </section>
          ))}
          {list.data?.scripts.length === 0 ? <p>No scripts yet.</p> : null}
        </nav>
        <div class="script-detail">
          {selected === undefined ? null : <ScriptDetail client={client} path={selected} onChanged={list.reload} />}
          <Upload client={client} path={selected} onChanged={list.reload} />
        </div>
      </div>
    </section>
  );
}

function ScriptDetail({ client, path, onChanged }: { client: Client; path: string; onChanged: () => void }) {
  const [round, setRound] = useState(0);
  const current = useLoad(() => client.script(path), [path, round]);
  const versions = (current.data?.versions ?? []).map((v) => v.version).reverse();
  const [shown, setShown] = useState<number | undefined>(undefined);
  const [against, setAgainst] = useState<number | undefined>(undefined);
  useEffect(() => {
    setShown(undefined);
    setAgainst(undefined);
  }, [path]);
  const source = useLoad(() => client.script(path, shown ?? current.data?.version), [path, shown, current.data?.version]);
  const other = useLoad(() => (against === undefined ? Promise.resolve(undefined) : client.script(path, against)), [path, against]);
  const [outcome, act] = useAction();

  const versionSelect = (value: number | undefined, set: (v: number | undefined) => void, label: string, none: string) => (
    <label>
      {label}{" "}
      <select onChange={(e: Event) => set(Number((e.target as HTMLSelectElement).value) || undefined)}>
        <option value="">{none}</option>
        {versions.map((v) => (
          <option value={String(v)} selected={v === value}>
            v{v}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <article aria-labelledby="script-title">
      <h2 id="script-title">
        {path} <small>current v{current.data?.version ?? "…"}</small>
      </h2>
      <ErrorLine error={current.error ?? source.error} />
      <div class="filters">
        {versionSelect(shown, setShown, "show", "current")}
        {versionSelect(against, setAgainst, "diff against", "no diff")}
        <button
          type="button"
          disabled={shown === undefined || shown === current.data?.version}
          onClick={() =>
            act(`roll back to v${shown}`, () => client.rollback(path, shown!), () => {
              setRound((n) => n + 1);
              onChanged();
            })
          }
        >
          Roll back to the shown version
        </button>
      </div>
      <OutcomeLine outcome={outcome} />
      {other.data === undefined || source.data === undefined ? (
        <pre class="source" tabindex={0} aria-label={`source of ${path}`}>
          {source.data?.source ?? ""}
        </pre>
      ) : (
        <pre class="source diff" tabindex={0} aria-label={`diff v${against} → v${source.data.version}`}>
          {diffLines(other.data.source, source.data.source).map((part) => (
            <span class={part.added ? "added" : part.removed ? "removed" : "same"}>
              {part.value
                .replace(/\n$/, "")
                .split("\n")
                .map((line) => `${part.added ? "+" : part.removed ? "-" : " "} ${line}\n`)
                .join("")}
            </span>
          ))}
        </pre>
      )}
      <Playground client={client} path={path} />
    </article>
  );
}

function Upload({ client, path, onChanged }: { client: Client; path: string | undefined; onChanged: () => void }) {
  const [target, setTarget] = useState(path ?? "");
  const [source, setSource] = useState("");
  const [outcome, act] = useAction();
  useEffect(() => setTarget(path ?? ""), [path]);
  return (
    <form
      class="op-form"
      aria-label="upload a version"
      onSubmit={(e: Event) => {
        e.preventDefault();
        void act(`upload ${target}`, () => client.uploadScript(target, source), () => {
          onChanged();
          location.hash = href("scripts", ...target.split("/"));
        });
      }}
    >
      <h2>Upload a new version</h2>
      <label>
        path <input name="path" required value={target} onInput={(e: Event) => setTarget((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        source (ES module)
        <textarea name="source" rows={8} spellcheck={false} required value={source} onInput={(e: Event) => setSource((e.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="submit">Upload</button>
      <OutcomeLine outcome={outcome} />
    </form>
  );
}

function Playground({ client, path }: { client: Client; path: string }) {
  const [exportName, setExportName] = useState("default");
  const [args, setArgs] = useState("[{}]");
  const [answer, setAnswer] = useState<InvokeAnswer | undefined>(undefined);
  const [outcome, act] = useAction();
  return (
    <form
      class="op-form"
      aria-label="invoke playground"
      onSubmit={(e: Event) => {
        e.preventDefault();
        void act("invoke", async () => {
          const parsed = parseJson(args, "args");
          if (!Array.isArray(parsed)) throw new Error("args must be a JSON array");
          setAnswer(await client.invoke(path, exportName, parsed));
        });
      }}
    >
      <h3>Invoke</h3>
      <label>
        export <input name="export" value={exportName} onInput={(e: Event) => setExportName((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        args (JSON array)
        <textarea name="args" rows={3} spellcheck={false} value={args} onInput={(e: Event) => setArgs((e.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="submit">Invoke</button>
      <OutcomeLine outcome={outcome} />
      {answer === undefined ? null : (
        <div class="answer">
          <p>
            {answer.ok ? "ok" : `error ${answer.error?.code}: ${answer.error?.message}`} · cpu {answer.usage.cpuMs} ms · memory {answer.usage.memoryBytes} bytes
          </p>
          {answer.ok ? <Json value={answer.result} label="result" /> : <Json value={answer.error} label="error" />}
          <h4>Logs</h4>
          <ol class="logs">
            {answer.logs.map((l) => (
              <li>
                <code>{l.level}</code> {l.message}
              </li>
            ))}
          </ol>
        </div>
      )}
    </form>
  );
}
