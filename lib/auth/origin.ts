/**
 * Why a state-changing request must be refused as cross-site, or null to let it through. Browsers send
 * `Origin` (and `Sec-Fetch-Site`) on every cross-origin POST/DELETE, so a page elsewhere cannot make a
 * signed-in browser act in this app; tools without a browser (curl, scripts) send neither and pass.
 * The app's own origin is taken from `X-Forwarded-Host` or `Host`; behind a proxy that passes neither as the
 * browser sees it, list the public origin(s) in `ALLOWED_ORIGINS` (comma-separated).
 */
export function crossSiteRefusal(
  request: { method: string; headers: Headers },
  env: Record<string, string | undefined> = process.env,
): string | null {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method.toUpperCase())) return null;
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site") return "Requests from other sites are not allowed.";
  const origin = request.headers.get("origin");
  if (origin === null) return null;
  const allowed = (env.ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim().replace(/\/+$/, ""));
  if (allowed.includes(origin)) return null;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return "The request's Origin is not valid.";
  }
  return host && originHost === host.split(",")[0]?.trim()
    ? null
    : "Requests from other sites are not allowed.";
}
