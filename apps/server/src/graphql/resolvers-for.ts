/**
 * Resolvers `R` of an object type whose parent value is the mapper `M` (generated/graphql.ts
 * maps e.g. Project to MemberProjectRow): every field `M` lacks must have a resolver. The
 * generated types make all resolvers optional, so without this a field added to the SDL would
 * typecheck and then fail at run time.
 */
export type ResolversFor<R, M> = R & Required<Pick<R, Exclude<keyof R, keyof M>>>;
