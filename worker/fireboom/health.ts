import type { Manifest } from "../../durable/registry";

/**
 * `GET /health` (fireboom-hooks.md §3.9): the project's functions, proxies and customized GraphQL data sources
 * (script paths without their prefix). `time` is when the scripts last changed, so Fireboom rebuilds only after
 * a deployment, never because an isolate restarted. No `workdir`: Fireboom would ignore a remote one.
 */
export function healthReport(manifest: Manifest) {
  const names = (prefix: string) =>
    Object.keys(manifest.scripts)
      .filter((path) => path.startsWith(prefix))
      .map((path) => path.slice(prefix.length))
      .sort();
  return {
    status: "ok",
    report: { customizes: names("customize/"), functions: names("function/"), proxys: names("proxy/"), time: manifest.deployedAt },
  };
}
