export {
  baseImageDefinition,
  baseImageId,
  baseImageTag,
  builderImageDefinition,
  builderImageId,
  builderImageTag,
  type BuilderImageDefinition,
} from "./builder-image-definition.ts";
export { productRecipes } from "./product-recipes.ts";
export { attemptKeyPrefix, buildKeyPrefix } from "./artifact-keys.ts";
