import * as v from "valibot";

export const PROJECT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const ProjectName = v.pipe(
  v.string(),
  v.regex(PROJECT_NAME_PATTERN, "a project name is 1 to 63 lowercase letters, digits or dashes, starting with a letter or digit"),
);

export const ProjectParams = v.object({ project: ProjectName });
