import { graphql } from "../../../generated/graphql";
import type { SetSecretInput } from "../../../generated/graphql/graphql";
import { graphqlRequest } from "../../lib/graphql";

// Only the check's messages come back: the reference the field now holds reaches the form
// through the board's document, which the server writes itself.
const SET_SECRET_MUTATION = graphql(`
  mutation SetSecret($input: SetSecretInput!) {
    setSecret(input: $input) {
      validation {
        issues {
          message
        }
      }
    }
  }
`);

/**
 * Sets the secret field `input.field` (a JSON Pointer) of a board, or clears it with a null
 * value. Resolves to the server's messages about the value: empty when it was stored.
 */
export async function setSecret(input: SetSecretInput): Promise<string[]> {
  const data = await graphqlRequest(SET_SECRET_MUTATION, { input });
  return data.setSecret.validation.issues.map((issue) => issue.message);
}
