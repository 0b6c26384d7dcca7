export { DomainError, isDomainError, toError, type DomainErrorCode } from "./errors.ts";
