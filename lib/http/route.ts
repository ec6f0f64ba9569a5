import { errorResponse } from "./errors";

/**
 * A route handler on web `Request`/`Response` whose every refusal, and any unexpected failure, becomes the one
 * JSON error shape (`errorResponse`). Every handler in lib/routes is one of these (or a `chatRoute`).
 */
export function route<C = unknown>(handle: (request: Request, context: C) => Promise<Response>) {
  // Next passes the context (the dynamic segments) to every handler; a test of a route without any may omit it.
  return async (request: Request, context?: C): Promise<Response> => {
    try {
      return await handle(request, context as C);
    } catch (err) {
      return errorResponse(err, `${request.method} ${new URL(request.url).pathname}`);
    }
  };
}
