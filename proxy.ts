import { type NextRequest, NextResponse } from "next/server";
import { crossSiteRefusal } from "@/lib/auth/origin";
import { currentAuthMode, identifyRequest, NotSignedInError } from "@/lib/auth/request";
import { sessionOf } from "@/lib/auth/session";
import { opensWithoutSignIn, SIGN_IN_PATH } from "@/lib/auth/sign-in-gate";
import { ApiError, errorResponse } from "@/lib/http/errors";

/**
 * In front of every page and route but `POST /api/chat` (see `config`): refuse cross-site state changes; then,
 * with sign-in on, send a request without a signed-in person to the sign-in page (a page) or answer 401 (a
 * route); without sign-in, give a browser without an identity a signed session cookie on its first request
 * (that request already carries it, so the page or route answering it sees the same person the browser will be
 * from now on).
 */
export async function proxy(request: NextRequest) {
  const refused = crossSiteRefusal(request);
  if (refused) return new ApiError("forbidden", refused).toResponse();
  const mode = currentAuthMode();
  if (mode.kind === "oidc") return signInFirst(request, mode.oidc.appUrl);

  const { started } = await sessionOf(request);
  if (!started) return NextResponse.next();
  const headers = new Headers(request.headers);
  headers.set("cookie", started.cookie);
  const response = NextResponse.next({ request: { headers } });
  response.headers.append("set-cookie", started.setCookie);
  return response;
}

async function signInFirst(request: NextRequest, appUrl: string) {
  const { pathname, search } = request.nextUrl;
  if (opensWithoutSignIn(pathname)) return NextResponse.next();
  const { owner, setCookies } = await identifyRequest(request.headers);
  if (!owner) {
    if (pathname.startsWith("/api/")) return errorResponse(new NotSignedInError());
    const signIn = new URL(SIGN_IN_PATH, appUrl);
    if (pathname !== "/") signIn.searchParams.set("next", `${pathname}${search}`);
    return NextResponse.redirect(signIn, 303);
  }
  const response = NextResponse.next();
  for (const cookie of setCookies) response.headers.append("set-cookie", cookie);
  return response;
}

export const config = {
  // `/api/chat` does both checks itself (lib/routes/chat.ts): for a request with a body Next copies the body
  // for the proxy and binds ~50 stream methods onto the request, which then stays in memory as long as the
  // run's stream is open (~10 KB of live heap per run in flight).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/chat$).*)"],
};
