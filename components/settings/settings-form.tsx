"use client";

import { type ChangeEvent, useState } from "react";
import { type Settings, THEMES, useSettingsStore } from "@/lib/client/settings-store";
import { POLL_INTERVAL_CHOICES_MS, REVEAL_SPEEDS } from "@/lib/shared/chat";
import { PushToggle } from "./push-toggle";

const FOCUS = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600";
const THEME_LABEL = { system: "System", light: "Light", dark: "Dark" } as const;
const REVEAL_LABEL = { instant: "Instant", normal: "Normal", slow: "Slow" } as const;

/**
 * The settings dialog's form: theme, how often a run is checked, how fast a finished answer is revealed, and two
 * opt-in notifications. Its own chunk (with the Web Push code): no page needs it before Settings is opened.
 */
export function SettingsForm({ onDone }: { onDone(): void }) {
  const settings = useSettingsStore();
  const change = (patch: Partial<Settings>) => settings.change(patch);
  return (
    <form
      method="dialog"
      className="flex flex-col gap-5 p-5"
      onSubmit={(event) => {
        event.preventDefault();
        onDone();
      }}
    >
      <h2 id="settings-title" className="text-lg font-semibold">
        Settings
      </h2>
      <Choice
        legend="Theme"
        name="theme"
        options={THEMES.map((value) => ({ value, label: THEME_LABEL[value] }))}
        value={settings.theme}
        onChange={(theme) => change({ theme })}
      />
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Check on a running task every</span>
        <select
          value={String(settings.pollInterval)}
          onChange={(event) => {
            const value = event.target.value;
            change({
              pollInterval: value === "server" ? "server" : (Number(value) as Settings["pollInterval"]),
            });
          }}
          className={`rounded-md border border-zinc-300 bg-white px-2 py-1.5 dark:border-zinc-600 dark:bg-zinc-800 ${FOCUS}`}
        >
          <option value="server">Server default</option>
          {POLL_INTERVAL_CHOICES_MS.map((ms) => (
            <option key={ms} value={ms}>
              {ms / 1000} seconds
            </option>
          ))}
        </select>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          Less often costs fewer requests; a finished run may then show up a little later.
        </span>
      </label>
      <Choice
        legend="Answer reveal speed"
        name="reveal"
        options={REVEAL_SPEEDS.map((value) => ({ value, label: REVEAL_LABEL[value] }))}
        value={settings.revealSpeed}
        onChange={(revealSpeed) => change({ revealSpeed })}
      />
      <NotifyToggle
        enabled={settings.notifyWhenDone}
        onChange={(notifyWhenDone) => change({ notifyWhenDone })}
      />
      <PushToggle />
      <div className="flex justify-end">
        <button
          type="submit"
          className={`rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-600 ${FOCUS}`}
        >
          Done
        </button>
      </div>
    </form>
  );
}

function Choice<T extends string>(props: {
  legend: string;
  name: string;
  options: Array<{ value: T; label: string }>;
  value: T;
  onChange(value: T): void;
}) {
  return (
    <fieldset className="flex flex-col gap-1 text-sm">
      <legend className="mb-1 font-medium">{props.legend}</legend>
      <div className="flex flex-wrap gap-2">
        {props.options.map((option) => (
          <label
            key={option.value}
            className="flex items-center gap-1.5 rounded-md border border-zinc-300 px-2.5 py-1 has-checked:border-blue-600 has-checked:bg-blue-50 has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-blue-600 dark:border-zinc-600 dark:has-checked:bg-blue-950"
          >
            <input
              type="radio"
              name={props.name}
              value={option.value}
              checked={props.value === option.value}
              onChange={() => props.onChange(option.value)}
              className="accent-blue-700"
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Notifications are asked for only here, when the person turns them on; unsupported browsers say so. */
function NotifyToggle({ enabled, onChange }: { enabled: boolean; onChange(enabled: boolean): void }) {
  const supported = typeof window !== "undefined" && "Notification" in window;
  const [note, setNote] = useState<string | null>(
    supported ? null : "This browser cannot show notifications.",
  );
  const toggle = async (event: ChangeEvent<HTMLInputElement>) => {
    if (!event.target.checked) return onChange(false);
    const permission =
      Notification.permission === "default"
        ? await Notification.requestPermission()
        : Notification.permission;
    if (permission === "granted") {
      setNote(null);
      onChange(true);
    } else {
      setNote("Notifications are blocked for this site: allow them in the browser's site settings.");
      onChange(false);
    }
  };
  return (
    <div className="flex flex-col gap-1 text-sm">
      <label className="flex items-start gap-2">
        <input
          type="checkbox"
          checked={supported && enabled}
          disabled={!supported}
          onChange={(event) => void toggle(event)}
          aria-describedby={note ? "notify-note" : undefined}
          className={`mt-0.5 accent-blue-700 ${FOCUS}`}
        />
        <span>Notify me when a run finishes while this tab is in the background</span>
      </label>
      {note && (
        <p id="notify-note" className="text-xs text-amber-800 dark:text-amber-300">
          {note}
        </p>
      )}
    </div>
  );
}
