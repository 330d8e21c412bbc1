/**
 * How a script's import specifiers resolve. Only relative specifiers that land on one of the project's own
 * `lib/` scripts resolve; the `.js` suffix is optional. Everything else is refused, so a script can never
 * reach another project's code or anything of the host.
 */
export function resolveImport(importer: string, specifier: string): string {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) {
    throw new Error(`cannot import "${specifier}" from ${importer}: only relative imports of lib/ scripts are allowed`);
  }
  const segments = importer.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "." || part === "") continue;
    if (part === "..") {
      if (segments.length === 0) throw new Error(`cannot import "${specifier}" from ${importer}: it leaves the project`);
      segments.pop();
    } else {
      segments.push(part);
    }
  }
  const path = segments.join("/").replace(/\.js$/, "");
  if (!path.startsWith("lib/")) {
    throw new Error(`cannot import "${specifier}" from ${importer}: only lib/ scripts can be imported`);
  }
  return path;
}
