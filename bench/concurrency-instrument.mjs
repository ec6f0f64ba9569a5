// Loaded into a measured process with `NODE_OPTIONS="--import <this file>"` (plain JS: `next start` has no
// TypeScript loader), so the app's own code stays untouched. Every DUMP_EVERY_MS it writes what the concurrency
// bench reads to `$BENCH_INSTRUMENT_DIR/<pid>.json`: event-loop delay since the last reset, RSS, peak RSS since
// the last reset, and cumulative CPU time. A reset is asked for by writing a new token to
// `$BENCH_INSTRUMENT_DIR/reset`; the dump echoes the token it last applied, so the bench knows from when its
// figures count.

import { existsSync, writeFileSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { Session } from "node:inspector";
import { join } from "node:path";
import { constants, monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString, writeHeapSnapshot } from "node:v8";
import { runInNewContext } from "node:vm";

const DUMP_EVERY_MS = 250;
/** The histogram samples every RESOLUTION_MS and records the whole gap between samples, so an idle loop reads
 * ~RESOLUTION_MS: the delay is what lies beyond it. */
const RESOLUTION_MS = 10;
const dir = process.env.BENCH_INSTRUMENT_DIR;

if (dir) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const file = join(dir, `${process.pid}.json`);
  const resetFile = join(dir, "reset");
  let resetToken = "";
  let peakRss = 0;
  let peakParts = {};
  // Garbage collections since the last reset: each one pauses the loop (a scavenge wholly, a mark-compact for
  // its final part), so they explain loop delay that no code of the app's shows.
  const noGc = () => ({ count: 0, totalMs: 0, maxMs: 0, maxMajorMs: 0, maxMinorMs: 0 });
  let gc = noGc();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count += 1;
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
        gc.maxMajorMs = Math.max(gc.maxMajorMs, entry.duration);
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
        gc.maxMinorMs = Math.max(gc.maxMinorMs, entry.duration);
    }
  }).observe({ entryTypes: ["gc"] });
  const delayMs = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

  // With BENCH_CPU_PROFILE=1 a V8 CPU profile covers each measurement (reset → `profile` file written), saved
  // as <pid>.cpuprofile: Node 20 refuses --cpu-prof in NODE_OPTIONS.
  let profiler;
  const profileFile = join(dir, "profile");
  // With BENCH_ALLOC_PROFILE=1 instead, a sampling heap profile of what was allocated and then survived into
  // the old generation (kept until a mark-compact): the garbage that makes the heap, and the pauses, big.
  const allocation = process.env.BENCH_ALLOC_PROFILE === "1";
  const startProfile = () => {
    if (process.env.BENCH_CPU_PROFILE !== "1" && !allocation) return;
    profiler?.disconnect();
    profiler = new Session();
    profiler.connect();
    if (allocation) {
      profiler.post("HeapProfiler.startSampling", {
        samplingInterval: 16384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: process.env.BENCH_ALLOC_PROFILE_ALL === "1",
      });
    } else profiler.post("Profiler.enable", () => profiler.post("Profiler.start"));
  };
  const saveProfile = () => {
    const session = profiler;
    profiler = undefined;
    const [method, extension] = allocation
      ? ["HeapProfiler.stopSampling", "heapprofile"]
      : ["Profiler.stop", "cpuprofile"];
    session.post(method, (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.${extension}`), JSON.stringify(result.profile));
      session.disconnect();
    });
  };

  // A full collection at each reset, so memory figures start from live data, not from leftover garbage.
  setFlagsFromString("--expose-gc");
  const collectGarbage = runInNewContext("gc");

  // Asynchronous file work (the thread pool, not the event loop): the dumps must not add loop delay themselves.
  // A heap snapshot when the bench asks for one (`heap` file; BENCH_CONCURRENCY_HEAP_SNAPSHOT), for finding what
  // a run holds. Blocks the process for seconds: diagnostic runs only.
  const heapFile = join(dir, "heap");
  let heapTaken = false;

  const dump = async () => {
    if (profiler && existsSync(profileFile)) saveProfile();
    if (!heapTaken && existsSync(heapFile)) {
      heapTaken = true;
      writeHeapSnapshot(join(dir, `${process.pid}.heapsnapshot.tmp`));
      await rename(join(dir, `${process.pid}.heapsnapshot.tmp`), join(dir, `${process.pid}.heapsnapshot`));
    }
    const wanted = await readFile(resetFile, "utf8").then(
      (text) => text.trim(),
      () => resetToken, // no reset asked for yet
    );
    if (wanted !== resetToken) {
      collectGarbage();
    }
    const rss = process.memoryUsage.rss();
    if (wanted !== resetToken) {
      resetToken = wanted;
      histogram.reset();
      gc = noGc();
      peakRss = rss;
      startProfile();
    }
    if (rss > peakRss) {
      // What the peak was made of: V8's heap (committed and in use) and memory outside it.
      const { heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
      peakParts = { heapTotal, heapUsed, external, arrayBuffers };
    }
    peakRss = Math.max(peakRss, rss);
    const cpu = process.cpuUsage();
    const snapshot = {
      pid: process.pid,
      at: Date.now(),
      resetToken,
      rss,
      peakRss,
      peakParts,
      heapUsed: process.memoryUsage().heapUsed,
      gc,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      // Before the first sample after a reset these are NaN/huge: the bench reads them only after seconds.
      delay: {
        count: histogram.count,
        p50: delayMs(histogram.percentile(50)),
        p99: delayMs(histogram.percentile(99)),
        max: delayMs(histogram.max),
      },
    };
    // Written whole and renamed, so a reader never sees half a file.
    const temporary = `${file}.tmp`;
    await writeFile(temporary, JSON.stringify(snapshot));
    await rename(temporary, file);
  };
  let dumping = false;
  setInterval(() => {
    if (dumping) return;
    dumping = true;
    dump().finally(() => {
      dumping = false;
    });
  }, DUMP_EVERY_MS).unref();
}
