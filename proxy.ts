import { type NextRequest, NextResponse } from "next/server";
import { crossSiteRefusal } from "@/lib/auth/origin";
import { sessionOf } from "@/lib/auth/session";

/**
 * In front of every page and route but `POST /api/chat` (see `config`): refuse cross-site state changes, and give
 * a browser without an identity a signed session cookie on its first request (that request already carries it,
 * so the page or route answering it sees the same person the browser will be from now on).
 */
export function proxy(request: NextRequest) {
  const refused = crossSiteRefusal(request);
  if (refused) return NextResponse.json({ error: { code: "forbidden", message: refused } }, { status: 403 });

  const { started } = sessionOf(request);
  if (!started) return NextResponse.next();
  const headers = new Headers(request.headers);
  headers.set("cookie", started.cookie);
  const response = NextResponse.next({ request: { headers } });
  response.headers.append("set-cookie", started.setCookie);
  return response;
}

export const config = {
  // `/api/chat` does both checks itself (lib/routes/chat.ts): for a request with a body Next copies the body
  // for the proxy and binds ~50 stream methods onto the request, which then stays in memory as long as the
  // run's stream is open (~10 KB of live heap per run in flight).
  matcher: ["/((?!_next/static|_next/image|favicon.ico|api/chat$).*)"],
};
