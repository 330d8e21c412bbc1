// bamboo `${…}` templates over a safe subset of Python expressions (bamboo-engine.md §1.6).
export { TEMPLATE_SUBSET } from "./evaluate";
export { pythonStr, renderTemplate, templateReferences } from "./render";
