import type { BuildRecipesQuery, BuildStatus } from "../../../generated/graphql/graphql";

type Recipe = BuildRecipesQuery["recipes"][number];

/** The recipe a build ran: the same version if the workers still have it, else its newest. */
export function findRecipe(
  recipes: readonly Recipe[] | undefined,
  build: { recipe: string; recipeVersion: string },
): Recipe | undefined {
  const sameId = recipes?.filter((recipe) => recipe.id === build.recipe) ?? [];
  return sameId.find((recipe) => recipe.version === build.recipeVersion) ?? sameId.at(-1);
}

/** A stage of a build (`Build.stages`): its recipe's, then compressing the image. */
interface Stage {
  id: string;
  title: string;
}

/** The stage's title; its id when the build lists no such stage (recipe gone from the workers). */
export function stageTitle(stages: readonly Stage[], stageId: string | null): string | null {
  if (stageId === null) return null;
  return stages.find((stage) => stage.id === stageId)?.title ?? stageId;
}

export type StageState = "done" | "current" | "failed" | "pending";

/**
 * Each stage of the build with how far the build got: stages before the current one are
 * done, all of them once it succeeded; the current one failed if the build ended otherwise.
 */
export function stageStates(build: {
  status: BuildStatus;
  stage: string | null;
  stages: readonly Stage[];
}): { id: string; title: string; state: StageState }[] {
  const { stages } = build;
  const current = stages.findIndex((stage) => stage.id === build.stage);
  return stages.map((stage, index) => ({
    id: stage.id,
    title: stage.title,
    state: stateAt(index, current, build.status),
  }));
}

function stateAt(index: number, current: number, status: BuildStatus): StageState {
  if (status === "SUCCEEDED") return "done";
  if (current === -1 || index > current) return "pending";
  if (index < current) return "done";
  return status === "RUNNING" ? "current" : status === "QUEUED" ? "pending" : "failed";
}
