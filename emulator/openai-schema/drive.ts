// Drives the `openai` flavour in-process on a fake clock and hands back every body it sends, as JSON off the
// wire: the create, retrieve and cancel answers of a run followed by polling, and the events of a streamed run.

import { createEmulator } from "../index";
import type { JsonObject, ResponseObject } from "../types";

/** One thing the emulator sent: where it came from (for failure messages) and the parsed JSON. */
export interface Sent {
  label: string;
  json: JsonObject;
}

const BASE = "http://emulator.local/v1";
/** Scenario time between two polls: often enough to meet each scenario's items while being written too. */
const POLL_MS = 200;
/** Longer than any scenario (the multi-step one takes ~20 s), well short of the 10-minute retention. */
const WHOLE_RUN_MS = 120_000;
/** Into the run, mid-way for most scenarios: where a cancel lands. */
const CANCEL_AFTER_MS = 1_500;
const TERMINAL = new Set(["completed", "failed", "incomplete", "cancelled"]);

export function openaiDriver() {
  let now = 1_750_000_000_000;
  const emulator = createEmulator({ flavor: "openai", now: () => now });
  const call = async (method: string, path: string, body?: JsonObject): Promise<Response> => {
    const answer = await emulator.handle(
      new Request(`${BASE}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      }),
    );
    if (answer.status !== 200) throw new Error(`${method} ${path}: ${answer.status} ${await answer.text()}`);
    return answer;
  };
  const json = async (method: string, path: string, body?: JsonObject) =>
    (await (await call(method, path, body)).json()) as JsonObject;

  return {
    /** Created in the background, polled to its end, then cancelled (a terminal run is returned as it is). */
    async polled(request: JsonObject): Promise<{ sent: Sent[]; final: ResponseObject }> {
      const created = await json("POST", "/responses", { ...request, background: true });
      const sent: Sent[] = [{ label: "create", json: created }];
      let current = created;
      for (let elapsed = 0; !TERMINAL.has(String(current.status)); elapsed += POLL_MS) {
        if (elapsed >= WHOLE_RUN_MS) throw new Error(`The run did not end within ${WHOLE_RUN_MS} ms.`);
        now += POLL_MS;
        current = await json("GET", `/responses/${created.id}`);
        sent.push({
          label: `retrieve after ${elapsed + POLL_MS} ms (${String(current.status)})`,
          json: current,
        });
      }
      sent.push({ label: "cancel when done", json: await json("POST", `/responses/${created.id}/cancel`) });
      return { sent, final: current as unknown as ResponseObject };
    },
    /** Created in the background and cancelled mid-way, then retrieved. */
    async cancelled(request: JsonObject): Promise<Sent[]> {
      const created = await json("POST", "/responses", { ...request, background: true });
      now += CANCEL_AFTER_MS;
      const cancelled = await json("POST", `/responses/${created.id}/cancel`);
      const retrieved = await json("GET", `/responses/${created.id}`);
      return [
        { label: "cancel mid-way", json: cancelled },
        { label: "retrieve after cancel", json: retrieved },
      ];
    },
    /** Created without `background`: the create answers with the finished run. */
    async foreground(request: JsonObject): Promise<Sent[]> {
      return [{ label: "foreground create", json: await json("POST", "/responses", request) }];
    },
    /** Created with `stream: true` and read to its end; with `cancel`, cancelled once the stream has opened. */
    async streamed(request: JsonObject, { cancel = false } = {}): Promise<Sent[]> {
      const answer = await call("POST", "/responses", { ...request, background: true, stream: true });
      const reader = answer.body?.getReader();
      if (!reader) throw new Error("The stream has no body.");
      const decoder = new TextDecoder();
      let text = "";
      const read = async (): Promise<boolean> => {
        const chunk = await reader.read();
        text += decoder.decode(chunk.value, { stream: !chunk.done });
        return !chunk.done;
      };
      await read(); // the opening events, which name the response
      if (cancel) {
        now += CANCEL_AFTER_MS;
        const id = (parseEvents(text)[0]?.response as JsonObject | undefined)?.id;
        await json("POST", `/responses/${String(id)}/cancel`);
      } else now += WHOLE_RUN_MS;
      while (await read());
      const label = cancel ? "stream, cancelled:" : "stream:";
      return parseEvents(text).map((event) => ({
        label: `${label} #${event.sequence_number} ${event.type}`,
        json: event,
      }));
    },
  };
}

/** The JSON of every `data:` line of a `text/event-stream` body. */
function parseEvents(body: string): Array<JsonObject & { type: string }> {
  return body
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice("data: ".length)) as JsonObject & { type: string });
}
