import { ApiError } from "./errors";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
const METHODS: Method[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Handlers for the methods a route does not serve: a 405 with the same JSON error shape as every other refusal
 * and an `Allow` header (Next's own 405 has an empty body). Spread into a route: `export const { PUT } = …`.
 */
export function otherMethods(...allowed: Method[]): Record<Method, () => Response> {
  const refuse = () => methodNotAllowed(allowed);
  return Object.fromEntries(METHODS.map((method) => [method, refuse])) as Record<Method, () => Response>;
}

/** The 405 for a method outside `allowed`: the one JSON error shape, and an `Allow` header. */
export function methodNotAllowed(allowed: readonly string[]): Response {
  const response = new ApiError(
    "method_not_allowed",
    `This endpoint takes ${allowed.join(" or ")} only.`,
  ).toResponse();
  response.headers.set("Allow", allowed.join(", "));
  return response;
}
