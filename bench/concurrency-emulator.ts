// The concurrency bench's upstream: the standalone emulator server (emulator/server.ts) in a process of its own,
// so its work is not charged to the app or to the bench's client. Started by concurrency.ts over an IPC channel;
// it counts the requests it answers and, asked for a report, sends the counts, its own CPU time and every
// stored response's question and answer (the ground truth the streamed answers are checked against).

import { startEmulatorServer } from "@/emulator/server";
import { messageText } from "@/lib/shared/upstream";

export interface EmulatorReport {
  creates: number;
  retrieves: number;
  cancels: number;
  cpuUs: number;
  /** Per stored response: the last user text it was created with, its status and its answer text. */
  answers: { question: string; status: string; text: string }[];
}

export type EmulatorMessage = { type: "ready"; url: string } | { type: "report"; report: EmulatorReport };

const RESPONSE_PATH = /\/responses\/[^/]+$/;

async function main() {
  const timeScale = Number(process.env.BENCH_EMULATOR_TIME_SCALE ?? "1");
  const token = process.env.BENCH_EMULATOR_TOKEN ?? "bench";
  const counts = { creates: 0, retrieves: 0, cancels: 0 };
  const server = await startEmulatorServer({
    port: Number(process.env.EMULATOR_PORT ?? "0"),
    options: { timeScale, token },
    onRequest: ({ method, path }) => {
      if (method === "POST" && path.endsWith("/responses")) counts.creates += 1;
      else if (method === "GET" && RESPONSE_PATH.test(path)) counts.retrieves += 1;
      else if (method === "POST" && path.endsWith("/cancel")) counts.cancels += 1;
    },
  });
  const send = (message: EmulatorMessage) => process.send?.(message);
  process.on("message", (message: { type?: string }) => {
    if (message.type !== "report") return;
    const cpu = process.cpuUsage();
    const answers = server.emulator.inspect().map(({ response, input }) => {
      const user = [...input].reverse().find((item) => item.role === "user");
      const content = Array.isArray(user?.content) ? (user.content as { text?: string }[]) : [];
      const question =
        typeof user?.content === "string" ? user.content : content.map((c) => c.text ?? "").join("");
      const text = (response.output ?? [])
        .filter((item) => item.type === "message")
        .map((item) => messageText(item as never))
        .join("");
      return { question, status: String(response.status), text };
    });
    send({ type: "report", report: { ...counts, cpuUs: cpu.user + cpu.system, answers } });
  });
  process.on("disconnect", () => {
    server.close().finally(() => process.exit(0));
  });
  send({ type: "ready", url: server.url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
