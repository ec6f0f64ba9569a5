import { getChatStore } from "@/lib/db";
import { checkHealth } from "@/lib/health";
import { otherMethods } from "@/lib/http/methods";
import { loadSupervisorConfig } from "@/lib/supervisor";

export const dynamic = "force-dynamic";

/** For platform probes and people: provider, auth mode, database and emulator state; never a secret. */
export async function GET(): Promise<Response> {
  const health = await checkHealth({ loadConfig: () => loadSupervisorConfig(), store: getChatStore });
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
