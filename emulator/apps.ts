// The workspace's Apps API, as far as a client resolving an app by name uses it: `GET {host}/api/2.0/apps/{name}`
// answers the app's `url` and state. The apps named in `options.apps` are served by this emulator itself, so
// their URL is the one the request came in on.

import { checkAuth } from "./auth";
import { errorResponse, jsonResponse } from "./errors";
import type { TokenIssuer } from "./oauth";
import type { ResolvedEmulatorOptions } from "./types";

export const APPS_PATH = /\/api\/2\.0\/apps\/([^/]+)$/;

export function appsApi(
  request: Request,
  options: ResolvedEmulatorOptions,
  issuer: TokenIssuer | undefined,
): Response {
  const url = new URL(request.url);
  const name = decodeURIComponent(APPS_PATH.exec(url.pathname.replace(/\/+$/, ""))?.[1] ?? "");
  if (request.method.toUpperCase() !== "GET") {
    return errorResponse("databricks", {
      status: 405,
      kind: "method_not_allowed",
      message: `${request.method} is not allowed here; use GET to read an app.`,
    });
  }
  const authError = checkAuth(request, options.token, issuer);
  if (authError) return errorResponse("databricks", authError);
  if (!options.apps.includes(name)) {
    return jsonResponse(404, {
      error_code: "RESOURCE_DOES_NOT_EXIST",
      message: `App with name ${name} does not exist or is deleted.`,
    });
  }
  return jsonResponse(200, {
    name,
    url: url.origin,
    app_status: { state: "RUNNING", message: "App has status: App is running" },
    compute_status: { state: "ACTIVE", message: "App compute is active." },
    service_principal_client_id: "00000000-0000-0000-0000-0000000000e1",
    service_principal_name: `app-${name}`,
    description: `An agent served by the Background Agent Chat emulator (${options.flavor}).`,
  });
}
