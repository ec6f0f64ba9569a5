"use client";

import { type ChangeEvent, useEffect, useId, useState } from "react";
import { type PushState, pushState, turnPushOff, turnPushOn } from "@/lib/client/push";

const FOCUS = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600";

const NOTES: Partial<Record<PushState, string>> = {
  unsupported: "This browser cannot receive push notifications.",
  blocked: "Notifications are blocked for this site: allow them in the browser's site settings.",
};

/**
 * Web Push for this browser: a notification when a run ends, fails or waits for an approval while no tab of
 * the app is open, which opens the chat. Its state is the browser's own subscription, read when shown.
 */
export function PushToggle() {
  const noteId = useId();
  const [state, setState] = useState<PushState | "checking">("checking");
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    pushState().then(setState, () => setState("off"));
  }, []);

  const toggle = async (event: ChangeEvent<HTMLInputElement>) => {
    const on = event.target.checked;
    setWorking(true);
    setFailure(null);
    try {
      setState(on ? await turnPushOn() : await turnPushOff());
    } catch (err) {
      setFailure(err instanceof Error && err.message ? err.message : "Could not change push notifications.");
      setState(await pushState().catch(() => "off" as const));
    } finally {
      setWorking(false);
    }
  };
  const note = failure ?? (state === "checking" ? null : (NOTES[state] ?? null));
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label className="flex items-start gap-2">
        <input
          type="checkbox"
          checked={state === "on"}
          disabled={working || state === "checking" || state === "unsupported"}
          onChange={(event) => void toggle(event)}
          aria-describedby={note ? noteId : undefined}
          className={`mt-0.5 accent-blue-700 ${FOCUS}`}
        />
        <span>
          Notify me on this device when a run ends or needs my approval while no tab of the app is open
        </span>
      </label>
      {note && (
        <p
          id={noteId}
          role={failure ? "alert" : undefined}
          className="text-xs text-amber-800 dark:text-amber-300"
        >
          {note}
        </p>
      )}
    </div>
  );
}
