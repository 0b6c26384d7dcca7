export const typeDefs = /* GraphQL */ `
  "Any JSON value."
  scalar JSON

  type Query {
    "Liveness of the API itself; see /readyz for its dependencies."
    health: Health!
    "The user this request acts for; null when nobody is signed in."
    me: User
    "Projects the signed-in user is a member of."
    projects: [Project!]!
    project(id: ID!): Project
    "Every board-config schema version, oldest first."
    schemas: [BoardConfigSchema!]!
    schema(id: ID!): BoardConfigSchema
    "The board catalogue, optionally narrowed to one architecture (arm64, armhf, amd64)."
    boards(architecture: String): [CatalogueBoard!]!
    """
    Checks a config against a schema (JSON Schema, then cross-field rules). \`config\` is the
    config itself, or its JSON text as a string (an imported file).
    """
    validateConfig(schemaId: ID!, config: JSON!): ValidationResult!
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

  type BoardConfigSchema {
    "e.g. board-config/1"
    id: ID!
    version: Int!
    "Whether new boards are written against this version."
    latest: Boolean!
    "The JSON Schema (draft 2020-12)."
    jsonSchema: JSON!
    "Form layout for @rjsf/core."
    uiSchema: JSON!
  }

  type CatalogueBoard {
    id: ID!
    name: String!
    vendor: String!
    family: String!
    soc: String!
    architecture: String!
    "Kernel branches the board supports."
    branches: [String!]!
    "Device-tree blob, relative to the kernel's dtbs directory."
    dtb: String
    bootScenario: String
    partitionTable: String!
    "The Debian package and target providing the board's boot loader, if Debian ships one."
    bootloader: Bootloader
    "Recipes that can build an image for the board."
    recipes: [String!]!
    supportTier: String!
  }

  type Bootloader {
    package: String!
    target: String!
  }

  enum Severity {
    ERROR
    WARNING
  }

  type ValidationIssue {
    "JSON Pointer to the offending value; empty for the whole config."
    path: String!
    code: String!
    message: String!
    severity: Severity!
  }

  type ValidationResult {
    "True when there are no errors (warnings allowed)."
    valid: Boolean!
    schemaId: String!
    issues: [ValidationIssue!]!
    "Whether the result was served from the validation cache."
    cached: Boolean!
  }
`;
