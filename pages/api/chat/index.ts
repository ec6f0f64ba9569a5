import { nodeRoute } from "@/lib/http/node-route";
import { POST } from "@/lib/routes/chat";

/**
 * `POST /api/chat`: a turn, streamed for as long as its run goes. A Pages API route rather than `app/` so that
 * an open stream costs only what the run needs (lib/http/node-route.ts says why and how much).
 * Next reads `config` as a literal: `maxDuration` must stay CHAT_ROUTE_MAX_DURATION_S (a unit test checks).
 */
export const config = { api: { bodyParser: false, externalResolver: true }, maxDuration: 300 };

export default nodeRoute({ POST });
