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
