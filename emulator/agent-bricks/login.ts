// The Databricks Apps proxy in front of the agent: a request without a token it accepts is redirected to the
// workspace's sign-in (the app never sees it). The sign-in page itself is only a stand-in, so a client that
// follows the redirect ends on HTML, as it would for real, rather than in a redirect loop.

export const LOGIN_PATH = /\/oidc\/oauth2\/v2\.0\/authorize$/;

/** Where the proxy sends a caller to sign in, coming back to the app's OAuth callback afterwards. */
export function authorizeUrl(requested: URL): string {
  const query = new URLSearchParams({
    client_id: "emulated-agent-bricks-app",
    redirect_uri: `${requested.origin}/.auth/callback`,
    response_type: "code",
    scope: "openid email profile offline_access all-apis",
    state: requested.pathname,
  });
  return `${requested.origin}/oidc/oauth2/v2.0/authorize?${query}`;
}

export function loginPage(): Response {
  return new Response(
    "<!doctype html><title>Sign in to Databricks</title><p>Sign in to continue to the app (emulated).</p>",
    { status: 200, headers: { "content-type": "text/html; charset=utf-8" } },
  );
}
