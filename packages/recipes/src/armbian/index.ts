export { armbianRecipe } from "./armbian-recipe.ts";
