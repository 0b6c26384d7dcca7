import helmet from "helmet";

/**
 * Security headers for the API and the web app alike (helmet): a Content-Security-Policy that
 * lets the built app load only its own files (no inline scripts) and talk only to its own origin
 * (HTTP and WebSocket), refuses framing (`frame-ancestors 'none'` and X-Frame-Options: DENY),
 * `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`.
 */
export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // 'unsafe-eval': the board form compiles its JSON Schema with Ajv in the browser, which
        // generates code. Precompiled (standalone) validators would let this go.
        scriptSrc: ["'self'", "'unsafe-eval'"],
        // React and FlexLayout set styles through the DOM (allowed); no inline <style> needed.
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        // 'self' covers ws:// and wss:// to the same host (CSP Level 3).
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // The app is served over plain HTTP on 127.0.0.1 by default; HSTS belongs to the TLS proxy.
    strictTransportSecurity: false,
  });
}
