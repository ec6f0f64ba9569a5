/**
 * Why a state-changing request must be refused as cross-site, or null to let it through. Browsers send
 * `Origin` (and `Sec-Fetch-Site`) on every cross-origin POST/DELETE, so a page elsewhere cannot make a
 * signed-in browser act in this app; tools without a browser (curl, scripts) send neither and pass.
 */
export function crossSiteRefusal(request: { method: string; headers: Headers }): string | null {
  if (["GET", "HEAD", "OPTIONS"].includes(request.method.toUpperCase())) return null;
  const site = request.headers.get("sec-fetch-site");
  if (site === "cross-site") return "Requests from other sites are not allowed.";
  const origin = request.headers.get("origin");
  if (origin === null) return null;
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
