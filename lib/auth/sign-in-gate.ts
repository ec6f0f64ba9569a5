/** The sign-in page: where sign-in starts, and where a refused or failed one is explained. */
export const SIGN_IN_PATH = "/sign-in";

/**
 * With sign-in on, what a request may reach without it: the sign-in pages and the sign-in library's own routes
 * (`/api/auth/*`: the provider's callback lands there), the health check (for load balancers and platforms), the
 * routes that authenticate themselves (webhooks by their signature, the cron route by CRON_SECRET) and the few
 * static files a signed-out page needs. Everything else asks for a signed-in person first.
 */
const OPEN_WITHOUT_SIGN_IN = [
  /^\/sign-in(\/start)?$/,
  /^\/sign-out$/,
  /^\/api\/auth\//,
  /^\/api\/health$/,
  /^\/api\/webhooks\//,
  /^\/api\/cron\//,
  /^\/favicon\.svg$/,
];

export function opensWithoutSignIn(pathname: string): boolean {
  return OPEN_WITHOUT_SIGN_IN.some((pattern) => pattern.test(pathname));
}

/**
 * Where to go after signing in: a path of this app only (a full URL or `//host` would make the sign-in page
 * an open redirect to anywhere), else the new chat page.
 */
export function pathAfterSignIn(raw: string | null | undefined): string {
  if (!raw?.startsWith("/") || raw.length > 2000) return "/";
  // Resolved as a browser would (it reads `/\\host` and `/\thost` as another host): it must stay on this origin.
  let url: URL;
  try {
    url = new URL(raw, SAME_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== SAME_ORIGIN || opensWithoutSignIn(url.pathname)) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

const SAME_ORIGIN = "http://app.invalid";
