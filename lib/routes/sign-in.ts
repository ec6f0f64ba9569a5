import { isAPIError } from "better-auth/api";
import { OIDC_PROVIDER_ID } from "@/lib/auth/oidc";
import { currentAuthMode, currentOidcAuth } from "@/lib/auth/request";
import { pathAfterSignIn, SIGN_IN_PATH } from "@/lib/auth/sign-in-gate";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

/** This server's sign-in, or a 404 when sign-in is off (these routes then do not exist). */
async function signIn() {
  const mode = currentAuthMode();
  if (mode.kind !== "oidc")
    throw new ApiError("not_found", "Sign-in is not turned on for this app (OIDC_ISSUER).");
  return { auth: await currentOidcAuth(mode), oidc: mode.oidc };
}

/** `/api/auth/*`: the sign-in library's own endpoints (the provider's callback, the session, sign-out). */
export const authEndpoint = route(async (request: Request) => (await signIn()).auth.handler(request));

/**
 * `POST /sign-in/start` (the sign-in page's button, a plain form): off to the provider, with the state of this
 * sign-in kept for its return; back to `next` (a path of this app) once signed in, or to the sign-in page,
 * which says why, when it fails.
 */
export const startSignIn = route(async (request: Request) => {
  const { auth, oidc } = await signIn();
  const form = await request.formData().catch(() => undefined);
  const next = pathAfterSignIn(form?.get("next")?.toString());
  try {
    const { headers, response } = await auth.api.signInSocial({
      body: { provider: OIDC_PROVIDER_ID, callbackURL: next, errorCallbackURL: SIGN_IN_PATH },
      headers: request.headers,
      returnHeaders: true,
    });
    if (response.url) return redirect(response.url, headers.getSetCookie(), oidc.appUrl);
  } catch (err) {
    // The provider's discovery document could not be read (down, or misconfigured): said on the sign-in page.
    if (!isAPIError(err)) throw err;
    console.error(`Sign-in could not start: ${err.message}`);
  }
  return redirect(`${SIGN_IN_PATH}?error=provider_unavailable`, [], oidc.appUrl);
});

/** `POST /sign-out`: the session ends (its row is deleted, its cookie cleared); then the sign-in page. */
export const signOut = route(async (request: Request) => {
  const { auth, oidc } = await signIn();
  try {
    const { headers } = await auth.api.signOut({ headers: request.headers, returnHeaders: true });
    return redirect(`${SIGN_IN_PATH}?signed-out=1`, headers.getSetCookie(), oidc.appUrl);
  } catch (err) {
    // Signed out already (no session, or an ended one): the same place.
    if (!isAPIError(err)) throw err;
    return redirect(`${SIGN_IN_PATH}?signed-out=1`, [], oidc.appUrl);
  }
});

function redirect(to: string, setCookies: string[], appUrl: string): Response {
  const headers = new Headers({ Location: new URL(to, appUrl).href, "Cache-Control": "no-store" });
  for (const cookie of setCookies) headers.append("set-cookie", cookie);
  return new Response(null, { status: 303, headers });
}
