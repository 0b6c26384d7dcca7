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

/** The stage's title; its id when the recipe is unknown (workers redeployed without it). */
export function stageTitle(recipe: Recipe | undefined, stageId: string | null): string | null {
  if (stageId === null) return null;
  return recipe?.stages.find((stage) => stage.id === stageId)?.title ?? stageId;
}

export type StageState = "done" | "current" | "failed" | "pending";

/**
 * Each stage of the recipe with how far the build got: stages before the current one are
 * done, all of them once it succeeded; the current one failed if the build ended otherwise.
 */
export function stageStates(
  recipe: Recipe | undefined,
  build: { status: BuildStatus; stage: string | null },
): { id: string; title: string; state: StageState }[] {
  const stages = recipe?.stages ?? [];
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
