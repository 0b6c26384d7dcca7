import type { Recipe } from "@bbos/core/build";

import { armbianRecipe } from "./armbian/index.ts";
import { debianRecipe } from "./debian/debian-recipe.ts";

/** The recipes the platform offers: the API lists them, workers run them. */
export const productRecipes: readonly Recipe[] = [debianRecipe, armbianRecipe];
