export const typeDefs = /* GraphQL */ `
  type Query {
    "Liveness of the API itself; see /readyz for its dependencies."
    health: Health!
    "The user this request acts for; null when nobody is signed in."
    me: User
    "Projects the signed-in user is a member of."
    projects: [Project!]!
    project(id: ID!): Project
  }

  type Subscription {
    "The server's clock (ISO 8601) once per interval; proves the subscription transport."
    serverTime(intervalMs: Int = 1000): String!
  }

  type Health {
    status: String!
    version: String!
  }

  type User {
    id: ID!
    login: String!
    name: String
    avatarUrl: String
  }

  enum Role {
    OWNER
    MAINTAINER
    EDITOR
    VIEWER
  }

  type Project {
    id: ID!
    slug: String!
    name: String!
    description: String!
    "The signed-in user's role in this project."
    role: Role!
    boards: [Board!]!
  }

  type Board {
    id: ID!
    name: String!
    "The board-config schema this board's document is written against."
    schemaId: String!
    updatedAt: String!
  }
`;
