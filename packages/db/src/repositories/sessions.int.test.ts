import { createHash, randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestDatabase } from "@bbos/test-utils";

import { createDb, type Db } from "../client.ts";
import {
  createSession,
  deleteExpiredSessions,
  deleteSession,
  findLiveSession,
  SESSION_TOUCH_INTERVAL_MS,
  touchSession,
} from "./sessions.ts";
import { ensureDevUser } from "./users.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe("session repository", () => {
  let db: Db;

  beforeAll(async () => {
    db = createDb({ url: await createTestDatabase(), maxConnections: 2 });
  });
  afterAll(() => db?.$disconnect());

  const newToken = () => randomBytes(32).toString("base64url");
  const at = (iso: string) => new Date(iso);

  it("stores only the token's hash and finds the session's user by the token", async () => {
    const user = await ensureDevUser(db, "sessions-alice");
    const token = newToken();
    const now = at("2030-01-01T00:00:00Z");
    await createSession(db, {
      token,
      userId: user.id,
      expiresAt: new Date(now.getTime() + 30 * DAY),
      userAgent: "vitest",
      now,
    });

    const stored = await db.session.findMany({ where: { userId: user.id } });
    expect(stored.map((row) => row.id)).toEqual([createHash("sha256").update(token).digest("hex")]);
    expect(JSON.stringify(stored)).not.toContain(token);

    const live = await findLiveSession(db, token, { idleMs: DAY, now });
    expect(live).toEqual({ user, lastSeenAt: now });
    expect(await findLiveSession(db, newToken(), { idleMs: DAY, now })).toBeNull();
  });

  it("ends a session at its absolute expiry and after the idle time", async () => {
    const user = await ensureDevUser(db, "sessions-bob");
    const token = newToken();
    const now = at("2030-02-01T00:00:00Z");
    const expiresAt = new Date(now.getTime() + 10 * DAY);
    await createSession(db, { token, userId: user.id, expiresAt, now });

    const after = (ms: number) => new Date(now.getTime() + ms);
    expect(await findLiveSession(db, token, { idleMs: 2 * DAY, now: after(DAY) })).not.toBeNull();
    expect(await findLiveSession(db, token, { idleMs: 2 * DAY, now: after(2 * DAY) })).toBeNull();

    // Seen again after one day: idle time counts from then, the absolute expiry stays.
    expect(await touchSession(db, token, after(DAY))).toBe(true);
    const later = after(2 * DAY + MINUTE);
    expect(await findLiveSession(db, token, { idleMs: 2 * DAY, now: later })).not.toBeNull();
    expect(await findLiveSession(db, token, { idleMs: 100 * DAY, now: expiresAt })).toBeNull();
  });

  it("writes lastSeenAt at most once a minute", async () => {
    const user = await ensureDevUser(db, "sessions-carol");
    const token = newToken();
    const now = at("2030-03-01T00:00:00Z");
    await createSession(db, { token, userId: user.id, expiresAt: at("2030-04-01T00:00:00Z"), now });

    const after = (ms: number) => new Date(now.getTime() + ms);
    expect(await touchSession(db, token, after(SESSION_TOUCH_INTERVAL_MS - 1))).toBe(false);
    expect(await touchSession(db, token, after(SESSION_TOUCH_INTERVAL_MS + 1))).toBe(true);
    expect(await touchSession(db, token, after(SESSION_TOUCH_INTERVAL_MS + 2))).toBe(false);
    const live = await findLiveSession(db, token, { idleMs: DAY, now: after(2 * MINUTE) });
    expect(live?.lastSeenAt).toEqual(after(SESSION_TOUCH_INTERVAL_MS + 1));
    expect(await touchSession(db, newToken(), after(DAY))).toBe(false);
  });

  it("deletes one session, and every expired one but no live one", async () => {
    const user = await ensureDevUser(db, "sessions-dave");
    const now = at("2030-05-01T00:00:00Z");
    const make = async (createdMsAgo: number, expiresInMs: number) => {
      const token = newToken();
      const createdAt = new Date(now.getTime() - createdMsAgo);
      await createSession(db, {
        token,
        userId: user.id,
        expiresAt: new Date(now.getTime() + expiresInMs),
        now: createdAt,
      });
      return token;
    };
    const live = await make(MINUTE, DAY);
    const pastExpiry = await make(MINUTE, 0);
    const idle = await make(3 * DAY, DAY);
    const doomed = await make(MINUTE, DAY);

    expect(await deleteSession(db, doomed)).toBe(true);
    expect(await deleteSession(db, doomed)).toBe(false);
    expect(await deleteExpiredSessions(db, { idleMs: 2 * DAY, now })).toBeGreaterThanOrEqual(2);

    const left = async (token: string) =>
      (await findLiveSession(db, token, { idleMs: 100 * DAY, now: new Date(0) })) !== null;
    expect(await left(live)).toBe(true);
    expect(await left(pastExpiry)).toBe(false);
    expect(await left(idle)).toBe(false);
  });

  it("creates a development user once and records each sign-in", async () => {
    const first = await ensureDevUser(db, "sessions-erin");
    const again = await ensureDevUser(db, "sessions-erin");
    expect(again).toEqual(first);
    const row = await db.user.findUniqueOrThrow({ where: { id: first.id } });
    expect(row.githubId).toBeNull();
    expect(row.lastLoginAt).toBeInstanceOf(Date);
  });
});
