// Projects and their members over GraphQL, against the real server and database, with real
// sessions (the development login) so every request is a different person.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { graphql, signIn, startTestServer, type TestServer } from "./start-test-server.ts";

interface GraphQLAnswer<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const PROJECT_FIELDS = "id slug name role archivedAt";
const MEMBERSHIP_FIELDS = "role since user { id login }";

describe("projects and memberships", () => {
  let server: TestServer;
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    server = await startTestServer({
      auth: { mode: "dev" },
      rateLimits: { graphqlPerMinute: 0, socketsPerMinute: 0, signInsPerMinute: 0 },
    });
  });
  afterAll(() => server?.close());

  async function as<T>(
    login: string | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLAnswer<T>> {
    let cookie: string | undefined;
    if (login !== null) {
      cookie = cookies.get(login) ?? (await signIn(server.url, login));
      cookies.set(login, cookie);
    }
    return (await graphql<T>(server.url, query, variables, { cookie })).body;
  }

  const codeOf = (answer: GraphQLAnswer<unknown>) => answer.errors?.[0]?.extensions?.code;

  async function createProject(owner: string, name: string) {
    const answer = await as<{ createProject: { project: { id: string; slug: string } } }>(
      owner,
      `mutation ($name: String!) { createProject(input: { name: $name }) { project { ${PROJECT_FIELDS} } } }`,
      { name },
    );
    expect(answer.errors).toBeUndefined();
    return answer.data?.createProject.project ?? { id: "", slug: "" };
  }

  async function userId(login: string): Promise<string> {
    const me = await as<{ me: { id: string } }>(login, "{ me { id } }");
    return me.data?.me.id ?? "";
  }

  function invite(by: string, projectId: string, login: string, role: string) {
    return as<{ inviteMember: { membership: { role: string; user: { login: string } } } }>(
      by,
      `mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { membership { ${MEMBERSHIP_FIELDS} } } }`,
      { input: { projectId, login, role } },
    );
  }

  function changeRole(by: string, projectId: string, targetId: string, role: string) {
    return as<{ changeMemberRole: { membership: { role: string } } }>(
      by,
      `mutation ($input: ChangeMemberRoleInput!) { changeMemberRole(input: $input) { membership { role } } }`,
      { input: { projectId, userId: targetId, role } },
    );
  }

  function remove(by: string, projectId: string, targetId: string) {
    return as<{ removeMember: { removedUserId: string } }>(
      by,
      `mutation ($input: RemoveMemberInput!) { removeMember(input: $input) { removedUserId } }`,
      { input: { projectId, userId: targetId } },
    );
  }

  async function visibleTo(login: string, projectId: string): Promise<string | null> {
    const answer = await as<{ project: { role: string } | null }>(
      login,
      "query ($id: ID!) { project(id: $id) { role } }",
      { id: projectId },
    );
    return answer.data?.project?.role ?? null;
  }

  it("creates a project owned by its creator, under a slug made from its name", async () => {
    const first = await createProject("olga", "  Rock 5B boards! ");
    expect(first).toMatchObject({ slug: "rock-5b-boards", name: "Rock 5B boards!", role: "OWNER" });
    // A second project of the same name gets a slug of its own.
    const second = await createProject("olga", "Rock 5B boards!");
    expect(second.slug).toMatch(/^rock-5b-boards-[0-9a-f]{6}$/);

    const members = await as<{
      project: { members: { totalCount: number; edges: { node: { role: string } }[] } };
    }>(
      "olga",
      "query ($id: ID!) { project(id: $id) { members { totalCount edges { node { role user { login } } } } } }",
      {
        id: first.id,
      },
    );
    expect(members.data?.project.members).toMatchObject({
      totalCount: 1,
      edges: [{ node: { role: "OWNER", user: { login: "olga" } } }],
    });
  });

  it("refuses a bad name and anonymous callers with clear errors", async () => {
    for (const name of ["", "   ", "x".repeat(101), "tab\there"]) {
      const answer = await as(
        "olga",
        "mutation ($n: String!) { createProject(input: { name: $n }) { project { id } } }",
        {
          n: name,
        },
      );
      expect(codeOf(answer), JSON.stringify(name)).toBe("BAD_USER_INPUT");
      expect(answer.errors?.[0]?.message).toMatch(/^A project name is 1 to 100 characters/);
    }
    const anonymous = await as(
      null,
      'mutation { createProject(input: { name: "x" }) { project { id } } }',
    );
    expect(codeOf(anonymous)).toBe("UNAUTHENTICATED");
  });

  it("lets owners and maintainers rename, owners alone archive, and hides archived projects", async () => {
    const project = await createProject("pat", "Pat's boards");
    await invite("pat", project.id, "mia", "MAINTAINER");
    await invite("pat", project.id, "eddie", "EDITOR");
    const rename = (by: string, name: string) =>
      as<{ renameProject: { project: { name: string } } }>(
        by,
        "mutation ($id: ID!, $name: String!) { renameProject(input: { projectId: $id, name: $name }) { project { name } } }",
        { id: project.id, name },
      );
    expect((await rename("mia", "Renamed")).data?.renameProject.project.name).toBe("Renamed");
    const byEditor = await rename("eddie", "Nope");
    expect(codeOf(byEditor)).toBe("FORBIDDEN");
    expect(byEditor.errors?.[0]?.message).toBe(
      "Your role in this project (EDITOR) does not allow renaming the project.",
    );
    expect(codeOf(await rename("stranger", "Nope"))).toBe("NOT_FOUND");

    const archive = (by: string, field = "archiveProject") =>
      as<Record<string, { project: { archivedAt: string | null } }>>(
        by,
        `mutation ($id: ID!) { ${field}(input: { projectId: $id }) { project { archivedAt } } }`,
        { id: project.id },
      );
    expect(codeOf(await archive("mia"))).toBe("FORBIDDEN");
    const archived = await archive("pat");
    expect(archived.data?.archiveProject?.project.archivedAt).toEqual(expect.any(String));

    const list = async (includeArchived: boolean) =>
      (
        await as<{ projects: { edges: { node: { id: string } }[] } }>(
          "eddie",
          "query ($all: Boolean) { projects(includeArchived: $all) { edges { node { id } } } }",
          { all: includeArchived },
        )
      ).data?.projects.edges.map((edge) => edge.node.id);
    expect(await list(false)).not.toContain(project.id);
    expect(await list(true)).toContain(project.id);
    // Still reached by id.
    expect(await visibleTo("eddie", project.id)).toBe("EDITOR");

    expect(
      (await archive("pat", "restoreProject")).data?.restoreProject?.project.archivedAt,
    ).toBeNull();
    expect(await list(false)).toContain(project.id);
  });

  it("invites by login; the invitee sees the project at their first sign-in", async () => {
    const project = await createProject("quinn", "Invitations");
    const answer = await invite("quinn", project.id, "@newcomer", "VIEWER");
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.inviteMember.membership).toMatchObject({
      role: "VIEWER",
      user: { login: "newcomer" },
    });
    expect(await visibleTo("newcomer", project.id)).toBe("VIEWER");

    const again = await invite("quinn", project.id, "newcomer", "EDITOR");
    expect(codeOf(again)).toBe("CONFLICT");
    expect(again.errors?.[0]?.message).toBe(
      "newcomer is a member already (VIEWER); change their role instead.",
    );
    for (const login of ["", "not a login", "../../admin", "x".repeat(40)]) {
      expect(codeOf(await invite("quinn", project.id, login, "VIEWER")), login).toBe(
        "BAD_USER_INPUT",
      );
    }
    // A viewer cannot invite; a maintainer cannot make owners.
    expect(codeOf(await invite("newcomer", project.id, "other", "VIEWER"))).toBe("FORBIDDEN");
    await invite("quinn", project.id, "max", "MAINTAINER");
    const ownerByMaintainer = await invite("max", project.id, "other", "OWNER");
    expect(codeOf(ownerByMaintainer)).toBe("FORBIDDEN");
    expect(ownerByMaintainer.errors?.[0]?.message).toMatch(
      /does not allow making, changing or removing owners/,
    );
    expect((await invite("max", project.id, "other", "EDITOR")).errors).toBeUndefined();
  });

  it("changes roles and removes members, but never the last owner", async () => {
    const project = await createProject("rita", "Roles");
    const [rita, sam, tom] = [await userId("rita"), await userId("sam"), await userId("tom")];
    await invite("rita", project.id, "sam", "EDITOR");
    await invite("rita", project.id, "tom", "VIEWER");

    const demoteLast = await changeRole("rita", project.id, rita, "MAINTAINER");
    expect(codeOf(demoteLast)).toBe("CONFLICT");
    expect(demoteLast.errors?.[0]?.message).toBe(
      "This is the project's last owner: make someone else an owner first.",
    );
    expect(codeOf(await remove("rita", project.id, rita))).toBe("CONFLICT");
    expect(await visibleTo("rita", project.id)).toBe("OWNER");

    expect(
      (await changeRole("rita", project.id, sam, "OWNER")).data?.changeMemberRole.membership.role,
    ).toBe("OWNER");
    // With two owners, one may step down.
    expect((await changeRole("rita", project.id, rita, "MAINTAINER")).errors).toBeUndefined();
    // A maintainer cannot touch an owner, but manages everyone else.
    expect(codeOf(await remove("rita", project.id, sam))).toBe("FORBIDDEN");
    expect((await remove("rita", project.id, tom)).data?.removeMember.removedUserId).toBe(tom);
    expect(await visibleTo("tom", project.id)).toBeNull();
    expect(codeOf(await remove("rita", project.id, tom))).toBe("NOT_FOUND");
    expect(codeOf(await changeRole("rita", project.id, "not-a-user", "VIEWER"))).toBe("NOT_FOUND");
  });

  it("keeps an owner when two owners demote each other at once", async () => {
    const project = await createProject("uma", "Race");
    const [uma, vic] = [await userId("uma"), await userId("vic")];
    await invite("uma", project.id, "vic", "OWNER");
    const results = await Promise.all([
      changeRole("uma", project.id, vic, "EDITOR"),
      changeRole("vic", project.id, uma, "EDITOR"),
    ]);
    const succeeded = results.filter((answer) => answer.errors === undefined);
    expect(succeeded).toHaveLength(1);
    const owners = await server.db.membership.count({
      where: { projectId: project.id, role: "OWNER" },
    });
    expect(owners).toBe(1);
  });
});
