// The session cookie: a random token the browser sends back, read the same way from an HTTP
// request and from a WebSocket upgrade (both are an IncomingMessage with a Cookie header).
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";

import { parseCookie } from "cookie";
import type { CookieOptions, Response } from "express";

import type { SessionPolicy } from "./auth-options.ts";

/** The cookie that carries the session token. */
export const SESSION_COOKIE = "bbos_session";

/** 32 random bytes in base64url: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A fresh, unguessable session token (256 bits). */
export function createSessionToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/** True when the request sends a session cookie at all, valid or not. */
export function presentsSessionCookie(request: IncomingMessage): boolean {
  const header = request.headers.cookie;
  return header !== undefined && parseCookie(header)[SESSION_COOKIE] !== undefined;
}

/**
 * The session token the request carries, or null: no cookie, or a value that is not shaped
 * like a token this server issues (answered without asking the database).
 */
export function readSessionToken(request: IncomingMessage): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  const token = parseCookie(header)[SESSION_COOKIE];
  return token !== undefined && TOKEN_SHAPE.test(token) ? token : null;
}

/**
 * The cookie's attributes. HttpOnly keeps it from scripts; SameSite=Lax keeps other sites'
 * pages from sending it with their POSTs (the browser still sends it when a user follows a link
 * here). Express turns `maxAge` (ms) into `Max-Age` (s) and `Expires`.
 */
export function sessionCookieOptions(policy: SessionPolicy): CookieOptions {
  return {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: policy.secureCookies,
    maxAge: policy.maxAgeMs,
  };
}

/** Tells the browser to drop its session cookie (with the attributes it was set with). */
export function clearSessionCookie(res: Response, policy: SessionPolicy): void {
  const { maxAge: _maxAge, ...attributes } = sessionCookieOptions(policy);
  res.clearCookie(SESSION_COOKIE, attributes);
}
