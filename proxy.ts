import { type NextRequest, NextResponse } from "next/server";
import { identify } from "@/lib/auth/identity";
import { crossSiteRefusal } from "@/lib/auth/origin";
import { sessionSecret } from "@/lib/auth/secret";
import { newSessionValue, SESSION_COOKIE, sessionSetCookie } from "@/lib/auth/session-cookie";

/**
 * In front of every page and route: refuse cross-site state changes, and give a browser without an identity
 * a signed session cookie on its first request (that request already carries it, so the page or route
 * answering it sees the same person the browser will be from now on).
 */
export function proxy(request: NextRequest) {
  const refused = crossSiteRefusal(request);
  if (refused) return NextResponse.json({ error: { code: "forbidden", message: refused } }, { status: 403 });

  const secret = sessionSecret();
  if (identify(request.headers, secret)) return NextResponse.next();

  const { value } = newSessionValue(secret);
  const others = (request.headers.get("cookie") ?? "")
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair && !pair.startsWith(`${SESSION_COOKIE}=`));
  const headers = new Headers(request.headers);
  headers.set("cookie", [...others, `${SESSION_COOKIE}=${value}`].join("; "));
  const response = NextResponse.next({ request: { headers } });
  const https =
    request.nextUrl.protocol === "https:" || request.headers.get("x-forwarded-proto")?.startsWith("https");
  response.headers.append("set-cookie", sessionSetCookie(value, Boolean(https)));
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
