export { loadEnv, type LoadEnvOptions } from "./load-env.ts";
export { flag, SECRET_VARIABLES, sharedVariables, wholeNumber } from "./variables.ts";
