import { processState } from "@/lib/process-state";
import { callJson, UpstreamHttpError } from "./http";

/**
 * A Databricks App's URL from its name: `GET {workspace}/api/2.0/apps/{name}` → `url`, asked once per process
 * and app (a failure is not kept: the next request asks again, so an app deployed meanwhile is found). Kept on
 * `globalThis`: Next bundles this module once per route, and the health report must see what the chat found.
 */
const resolved = processState("app-urls", () => new Map<string, Promise<string>>());

export function appUrlResolver(options: {
  /** The workspace URL (DATABRICKS_HOST). */
  host: string;
  app: string;
  /** The workspace fetch, with the app's own bearer. */
  fetch: typeof fetch;
  /** The variable the name came from, for messages. */
  variable: string;
}): () => Promise<string> {
  const key = `${options.host}\n${options.app}`;
  return () => {
    let url = resolved.get(key);
    if (!url) {
      url = lookUp(options);
      resolved.set(key, url);
      url.catch(() => resolved.delete(key));
    }
    return url;
  };
}

/** The URL an app resolved to, when it has been (for the health report), without asking for it. */
export async function resolvedAppUrl(host: string, app: string): Promise<string | undefined> {
  return resolved.get(`${host}\n${app}`)?.catch(() => undefined);
}

async function lookUp({ host, app, fetch, variable }: Parameters<typeof appUrlResolver>[0]): Promise<string> {
  let answer: unknown;
  try {
    answer = await callJson(fetch, `${host}/api/2.0/apps/${encodeURIComponent(app)}`, {
      method: "GET",
      timeoutMs: 30_000,
    });
  } catch (err) {
    if (err instanceof UpstreamHttpError && err.status === 404) {
      throw new UpstreamHttpError(
        404,
        `there is no Databricks App named "${app}" in ${host} (${variable}); check the name, or give the app's URL instead`,
      );
    }
    throw err;
  }
  const url = (answer as { url?: unknown } | undefined)?.url;
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
    // Not a 404: the lookup is repeated on the next request, by when the app may have been deployed.
    throw new UpstreamHttpError(503, `the Databricks App "${app}" has no URL yet: it has not been deployed`);
  }
  return url.replace(/\/+$/, "");
}
