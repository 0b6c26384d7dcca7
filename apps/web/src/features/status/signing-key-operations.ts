import { queryOptions } from "@tanstack/react-query";

import { graphql } from "../../../generated/graphql";
import { graphqlRequest } from "../../lib/graphql";

const SIGNING_KEY_QUERY = graphql(`
  query SigningKey {
    signingKey {
      keyId
      publicKey
      development
    }
  }
`);

/** Where anyone fetches the public key file, for `minisign -V -p`. */
export const PUBLIC_KEY_URL = "/.well-known/bbos/minisign.pub";

/** The key that signs artifacts; it changes only with the server's configuration. */
export function signingKeyQueryOptions() {
  return queryOptions({
    queryKey: ["signing-key"] as const,
    queryFn: ({ signal }) => graphqlRequest(SIGNING_KEY_QUERY, undefined, { signal }),
    select: (data) => data.signingKey,
    staleTime: Infinity,
  });
}
