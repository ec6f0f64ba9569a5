import { awaitsApproval } from "@/lib/shared/chat";
import { type ForkRecord, forkBranch, forkSummaries, switchBranch } from "./branches";
import {
  ChatBusyError,
  ChatNotFoundError,
  type ChatRecord,
  type ChatStore,
  CYCLE_CLAIM_TTL_MS,
  FORGET_INSTANCES_AFTER_MS,
  FORGET_WEBHOOKS_AFTER_MS,
  RUN_LIMIT_WINDOW_MS,
  type RunLimits,
  refuseOverRunLimits,
  runSummary,
  type StoredPushSubscription,
} from "./chat-store";
import { containsIgnoringCase, snippetAround } from "./search-text";
import { titleFrom } from "./title";

/** A process-local store; chats vanish on restart. */
export function createMemoryChatStore(): ChatStore {
  const chats = new Map<string, ChatRecord>();
  const owners = new Map<string, string>();
  /** The chat, if `ownerId` (when given) owns it. */
  const chatOf = (chatId: string, ownerId?: string) =>
    ownerId === undefined || owners.get(chatId) === ownerId ? chats.get(chatId) : undefined;
  /** The forks on each chat's active branch (lib/db/branches.ts). */
  const forks = new Map<string, ForkRecord[]>();
  /** Claimed cycles by chat: the response whose next cycle is taken, and when. */
  const claims = new Map<string, { after: string; at: number }>();
  /** Server instances by id, with when each was last heard from; each chat's run's follower. */
  const instances = new Map<string, number>();
  /** When each chat's person last had it in front of them; the runs that ended asking for approvals. */
  const seen = new Map<string, number>();
  const asking = new Set<string>();
  /** Push subscriptions by endpoint, with whose they are. */
  const pushes = new Map<string, { ownerId: string; subscription: StoredPushSubscription }>();
  /** Webhook deliveries received, by id, with when. */
  const webhooks = new Map<string, number>();
  const followers = new Map<string, { runId: string; instanceId: string }>();
  /** The runs each person started, with when (what the runs-per-day limit counts; kept when a chat goes). */
  const runStarts = new Map<string, Map<string, number>>();
  const countRunStart = (ownerId: string, runId: string, limits: RunLimits | undefined) => {
    const now = Date.now();
    const started = runStarts.get(ownerId) ?? new Map<string, number>();
    const isNew = !started.has(runId);
    if (limits) {
      const going = [...chats.values()].filter(
        (chat) => owners.get(chat.id) === ownerId && chat.run?.state === "running",
      ).length;
      const earlierStarts = [...started.values()]
        .filter((at) => at > now - RUN_LIMIT_WINDOW_MS)
        .sort((a, b) => a - b);
      refuseOverRunLimits(limits, { going, earlierStarts, isNew });
    }
    if (isNew) runStarts.set(ownerId, started.set(runId, now));
  };
  const followerOf = (chatId: string, runId: string) => {
    const follower = followers.get(chatId);
    return follower?.runId === runId ? follower.instanceId : undefined;
  };
  const aliveSince = (instanceId: string | undefined, since: number) =>
    instanceId !== undefined && (instances.get(instanceId) ?? Number.NEGATIVE_INFINITY) >= since;

  /** The chat's current run, if it is this one: a stale run must not write over a newer one. */
  const runOf = (chatId: string, runId: string) => {
    const run = chats.get(chatId)?.run;
    return run?.runId === runId ? run : undefined;
  };

  const store: ChatStore = {
    async getChat(chatId, ownerId) {
      const chat = chatOf(chatId, ownerId);
      return chat ? structuredClone(chat) : undefined;
    },
    async listChats(ownerId, limit = 100) {
      return [...chats.values()]
        .filter((chat) => owners.get(chat.id) === ownerId)
        .sort((a, b) => b.updatedAt - a.updatedAt)
        .slice(0, limit)
        .map(({ id, title, createdAt, updatedAt, run }) => ({
          id,
          title,
          createdAt,
          updatedAt,
          ...runSummary({
            state: run?.state ?? null,
            finishedAt: run?.finishedAt ?? null,
            awaitsApproval: !!run && asking.has(run.runId),
            seenAt: seen.get(id) ?? null,
          }),
        }));
    },
    async markSeen(chatId, ownerId) {
      if (!chatOf(chatId, ownerId)) return false;
      seen.set(chatId, Date.now());
      return true;
    },
    async searchChats(ownerId, query, limit = 100) {
      const summaries = await store.listChats(ownerId, Number.MAX_SAFE_INTEGER);
      const found = [];
      for (const summary of summaries) {
        if (found.length >= Math.max(0, Math.floor(limit))) break;
        const inTitle = containsIgnoringCase(summary.title, query);
        const text = chats
          .get(summary.id)
          ?.messages.filter((m) => m.role === "user" || m.role === "assistant")
          .flatMap((m) => m.parts)
          .map((part) => (part.type === "text" ? part.text : ""))
          .find((partText) => containsIgnoringCase(partText, query));
        if (inTitle) found.push(summary);
        else if (text !== undefined) found.push({ ...summary, snippet: snippetAround(text, query) });
      }
      return found;
    },
    async moveChats(fromOwnerId, to) {
      if (fromOwnerId === to.id) return 0;
      let moved = 0;
      for (const [chatId, ownerId] of owners) {
        if (ownerId !== fromOwnerId) continue;
        owners.set(chatId, to.id);
        moved++;
      }
      for (const push of pushes.values()) if (push.ownerId === fromOwnerId) push.ownerId = to.id;
      return moved;
    },

    async renameChat(chatId, title, ownerId) {
      const chat = chatOf(chatId, ownerId);
      if (chat) chat.title = title;
      return chat !== undefined;
    },
    async deleteChat(chatId, options) {
      const chat = chatOf(chatId, options?.ownerId);
      if (!chat) return false;
      if (options?.unlessRunning && chat.run?.state === "running") throw new ChatBusyError();
      claims.delete(chatId);
      forks.delete(chatId);
      owners.delete(chatId);
      return chats.delete(chatId);
    },
    async beginTurn(chatId, runId, prepare, { create, owner, limits }) {
      const existing = chats.get(chatId);
      if (existing && owners.get(chatId) !== owner.id) throw new ChatNotFoundError();
      if (existing?.run?.state === "running") throw new ChatBusyError();
      // Synchronous from here on: no other turn can interleave between the check and the append.
      const append = prepare(existing ? structuredClone(existing) : undefined);
      if (!existing && !create) throw new ChatNotFoundError();
      countRunStart(owner.id, runId, limits);
      let chat = existing;
      if (!chat) {
        chat = {
          id: chatId,
          title: append.message ? titleFrom(append.message) : "New chat",
          createdAt: Date.now(),
          updatedAt: Date.now(),
          messages: [],
          history: [],
        };
        chats.set(chatId, chat);
        owners.set(chatId, owner.id);
      }
      if (append.fork) {
        const branch = forkBranch(
          { messages: chat.messages, history: chat.history, forks: forks.get(chatId) ?? [] },
          append.fork,
        );
        chat.messages = branch.messages;
        chat.history = branch.history;
        forks.set(chatId, branch.forks);
      }
      if (append.message) chat.messages.push(structuredClone(append.message));
      chat.history.push(...structuredClone(append.items));
      chat.run = { runId, state: "running", cursor: 0, startedAt: Date.now(), input: [], polls: 0 };
      chat.updatedAt = Date.now();
      seen.set(chatId, chat.updatedAt);
      return structuredClone(chat);
    },
    async listForks(chatId, ownerId) {
      return chatOf(chatId, ownerId) ? forkSummaries(forks.get(chatId) ?? []) : [];
    },
    async switchVersion(chatId, ownerId, choose) {
      const chat = chatOf(chatId, ownerId);
      if (!chat) throw new ChatNotFoundError();
      if (chat.run?.state === "running") throw new ChatBusyError();
      // Synchronous from here on, as in beginTurn.
      const current = forks.get(chatId) ?? [];
      const { at, version } = choose(structuredClone(chat), forkSummaries(current));
      const branch = switchBranch(
        { messages: chat.messages, history: chat.history, forks: current },
        at,
        version,
      );
      if (!branch) throw new Error(`There is no version ${version} at message ${at}.`);
      chat.messages = branch.messages;
      chat.history = branch.history;
      forks.set(chatId, branch.forks);
      return { chat: structuredClone(chat), forks: forkSummaries(branch.forks) };
    },
    async startRun(chatId, runId, upstream, after) {
      const run = runOf(chatId, runId);
      if (run?.state !== "running") return false;
      if (after !== undefined && (run.responseId ?? null) !== after) return false;
      if (after != null && claims.get(chatId)?.after !== after) return false;
      Object.assign(run, structuredClone(upstream), { cursor: 0 });
      delete run.createSent;
      return true;
    },
    async claimNextCycle(chatId, runId, afterResponseId) {
      const run = runOf(chatId, runId);
      if (run?.state !== "running" || run.responseId !== afterResponseId) return "held";
      const claim = claims.get(chatId);
      if (claim?.after === afterResponseId) {
        const lapsed = Date.now() - claim.at >= CYCLE_CLAIM_TTL_MS;
        if (lapsed && run.createSent) return "interrupted";
        if (!lapsed) return "held";
      }
      claims.set(chatId, { after: afterResponseId, at: Date.now() });
      return "claimed";
    },
    async markCreateSent(chatId, runId, afterResponseId) {
      const run = runOf(chatId, runId);
      if (run?.state !== "running" || run.createSent) return false;
      if ((run.responseId ?? null) !== afterResponseId) return false;
      if (afterResponseId !== null && claims.get(chatId)?.after !== afterResponseId) return false;
      run.createSent = true;
      return true;
    },
    async checkRun(chatId, runId, polls) {
      const run = runOf(chatId, runId);
      if (!run) return undefined;
      run.polls += polls;
      const follower = followerOf(chatId, runId);
      return {
        state: run.state,
        ...(run.responseId ? { responseId: run.responseId } : {}),
        ...(follower ? { follower } : {}),
      };
    },
    async checkRuns(checks) {
      return Promise.all(checks.map(({ chatId, runId, polls }) => store.checkRun(chatId, runId, polls)));
    },
    async listOpenRuns() {
      return [...chats.values()].flatMap((chat) => {
        const ownerId = owners.get(chat.id);
        return chat.run?.state === "running" && ownerId
          ? [{ chatId: chat.id, ownerId, runId: chat.run.runId }]
          : [];
      });
    },
    async heartbeat(instanceId) {
      const now = Date.now();
      for (const [id, seenAt] of instances)
        if (seenAt < now - FORGET_INSTANCES_AFTER_MS) instances.delete(id);
      instances.set(instanceId, now);
    },
    async followRun(chatId, runId, instanceId, unlessAliveSince) {
      if (runOf(chatId, runId)?.state !== "running") return false;
      const current = followerOf(chatId, runId);
      if (unlessAliveSince !== undefined && current !== instanceId && aliveSince(current, unlessAliveSince))
        return false;
      followers.set(chatId, { runId, instanceId });
      return true;
    },
    async claimOrphanedRuns(instanceId, staleBefore, limit) {
      const orphaned = (await store.listOpenRuns()).filter(
        ({ chatId, runId }) =>
          (runOf(chatId, runId)?.startedAt ?? staleBefore) < staleBefore &&
          !aliveSince(followerOf(chatId, runId), staleBefore),
      );
      const claimed = orphaned.slice(0, Math.max(0, Math.floor(limit)));
      for (const { chatId, runId } of claimed) followers.set(chatId, { runId, instanceId });
      return claimed;
    },
    async findOpenRun(responseId) {
      return (await store.listOpenRuns()).find(
        ({ chatId, runId }) => runOf(chatId, runId)?.responseId === responseId,
      );
    },
    async receiveWebhook(deliveryId) {
      const now = Date.now();
      for (const [id, at] of webhooks) if (at < now - FORGET_WEBHOOKS_AFTER_MS) webhooks.delete(id);
      if (webhooks.has(deliveryId)) return false;
      webhooks.set(deliveryId, now);
      return true;
    },
    async forgetWebhook(deliveryId) {
      webhooks.delete(deliveryId);
    },
    async savePushSubscription(ownerId, subscription) {
      pushes.set(subscription.endpoint, { ownerId, subscription: structuredClone(subscription) });
    },
    async deletePushSubscription(ownerId, endpoint) {
      if (pushes.get(endpoint)?.ownerId !== ownerId) return false;
      return pushes.delete(endpoint);
    },
    async listPushSubscriptions(ownerId) {
      return [...pushes.values()].flatMap((entry) =>
        entry.ownerId === ownerId ? [structuredClone(entry.subscription)] : [],
      );
    },
    async forgetPushEndpoint(endpoint) {
      pushes.delete(endpoint);
    },
    async setConversationId(chatId, conversationId) {
      const chat = chats.get(chatId);
      if (chat) chat.conversationId = conversationId;
    },
    async appendHistory(chatId, runId, items) {
      if (runOf(chatId, runId)) chats.get(chatId)?.history.push(...structuredClone(items));
    },
    async recordItem(chatId, runId, item, cursor) {
      const run = runOf(chatId, runId);
      if (!run || cursor <= run.cursor) return; // already recorded: never twice
      run.cursor = cursor;
      chats.get(chatId)?.history.push(structuredClone(item));
    },
    async finishRun(chatId, runId, state, assistantMessage, error) {
      const chat = chats.get(chatId);
      const run = runOf(chatId, runId);
      if (!chat || !run) return;
      if (state !== "running") {
        run.state = state;
        run.finishedAt = Date.now();
        if (error) run.error = error;
        if (state === "completed" && assistantMessage && awaitsApproval(assistantMessage)) asking.add(runId);
      }
      chat.updatedAt = Date.now();
      if (assistantMessage && assistantMessage.parts.length > 0) {
        const at = chat.messages.findIndex((m) => m.id === assistantMessage.id);
        if (at >= 0) chat.messages[at] = structuredClone(assistantMessage);
        else chat.messages.push(structuredClone(assistantMessage));
      }
    },
  };
  return store;
}
