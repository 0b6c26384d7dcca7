export {
  baseImageDefinition,
  baseImageTag,
  BUILDER_PACKAGES,
  builderImageDefinition,
  builderImageId,
  builderImageTag,
  defineBuilderImage,
  type BuilderImageDefinition,
} from "./builder-image-definition.ts";
export { productRecipes } from "./product-recipes.ts";
