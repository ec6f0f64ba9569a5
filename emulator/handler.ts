// The HTTP-shaped front: routing on the path suffix (any base URL works), auth, and error envelopes.

import { type ApiError, badRequest, errorResponse, jsonResponse } from "./errors";
import { ResponseStore } from "./state";
import type { ResolvedEmulatorOptions } from "./types";
import { validateCreate } from "./validate";

const DEFAULT_MODEL = { databricks: "databricks-claude-sonnet-4-5", openai: "gpt-4.1" } as const;

const CANCEL_PATH = /\/responses\/([^/]+)\/cancel$/;
const RESPONSE_PATH = /\/responses\/([^/]+)$/;
const CREATE_PATH = /\/responses$/;

export function createHandler(options: ResolvedEmulatorOptions): (request: Request) => Promise<Response> {
  const store = new ResponseStore(options);
  const { flavor } = options;
  const fail = (error: ApiError): Response => errorResponse(flavor, error);
  const methodNotAllowed = (method: string, allowed: string): Response =>
    fail({
      status: 405,
      kind: "method_not_allowed",
      message: `${method} is not allowed here; use ${allowed}.`,
    });
  const notFound = (id: string): Response => {
    const kept = Number.isFinite(options.retentionMs)
      ? ` Responses are kept for ${Math.round(options.retentionMs / 1000)} s after creation.`
      : "";
    return fail({ status: 404, kind: "not_found", message: `Response with id '${id}' not found.${kept}` });
  };

  async function create(request: Request): Promise<Response> {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return fail(badRequest("The request body is not valid JSON."));
    }
    const validation = validateCreate(body, flavor);
    if (!validation.ok) return fail(validation.error);
    const { model, ...rest } = validation.request;
    return jsonResponse(200, store.create({ ...rest, model: model ?? DEFAULT_MODEL[flavor] }));
  }

  async function route(request: Request): Promise<Response> {
    const authError = checkAuth(request, options.token);
    if (authError) return fail(authError);

    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    const method = request.method.toUpperCase();

    const cancel = CANCEL_PATH.exec(path);
    if (cancel?.[1]) {
      if (method !== "POST") return methodNotAllowed(method, "POST to cancel a response");
      const id = decodeId(cancel[1]);
      const response = store.cancel(id);
      return response ? jsonResponse(200, response) : notFound(id);
    }
    const retrieve = RESPONSE_PATH.exec(path);
    if (retrieve?.[1]) {
      if (method !== "GET") return methodNotAllowed(method, "GET to retrieve a response");
      const id = decodeId(retrieve[1]);
      if (url.searchParams.get("stream") === "true") {
        return fail(
          badRequest("This response was not created with 'stream': true; retrieve it without ?stream=true."),
        );
      }
      const response = store.get(id);
      return response ? jsonResponse(200, response) : notFound(id);
    }
    if (CREATE_PATH.test(path)) {
      if (method !== "POST") return methodNotAllowed(method, "POST to create a response");
      return create(request);
    }
    return fail({
      status: 404,
      kind: "not_found",
      message: `No route for ${method} ${url.pathname}: the emulator serves POST …/responses, GET …/responses/{id} and POST …/responses/{id}/cancel.`,
    });
  }

  return async (request) => {
    try {
      return await route(request);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return fail({ status: 500, kind: "internal", message: `The emulator failed unexpectedly: ${detail}` });
    }
  };
}

function checkAuth(request: Request, token: string | undefined): ApiError | undefined {
  if (token === undefined) return undefined;
  const header = request.headers.get("authorization");
  if (!header) {
    return {
      status: 401,
      kind: "unauthenticated",
      message:
        "Missing 'Authorization: Bearer <token>' header: this emulator was started with a token (EMULATOR_TOKEN).",
    };
  }
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (match?.[1] !== token) {
    // Never echo the token sent or the one expected.
    return {
      status: 401,
      kind: "unauthenticated",
      message: "The bearer token is not valid for this emulator.",
    };
  }
  return undefined;
}

/** A malformed escape is just an id that does not exist, not a server error. */
function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
