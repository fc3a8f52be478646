// The renderer's Content-Security-Policy, sent by both transports (app:// in the desktop app,
// HTTP in browser mode): own scripts only, no eval, no inline script, no framing.
export const RENDERER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
