import { create } from "zustand";
import { createJSONStorage, persist } from "zustand/middleware";
import {
  POLL_INTERVAL_CHOICES_MS,
  type PollIntervalChoice,
  REVEAL_SPEEDS,
  type RevealSpeed,
  type TurnSettings,
} from "@/lib/shared/chat";

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

export interface Settings {
  /** `server`: send nothing, the server's SUPERVISOR_POLL_INTERVAL_MS applies. */
  pollInterval: "server" | PollIntervalChoice;
  revealSpeed: RevealSpeed;
  theme: Theme;
  /** A system notification when a run ends while the tab is hidden (only once permission was granted). */
  notifyWhenDone: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  pollInterval: "server",
  revealSpeed: "normal",
  theme: "system",
  notifyWhenDone: false,
};

/** Also read by the inline theme script in app/layout.tsx, before React runs: keep the two in step. */
export const SETTINGS_STORAGE_KEY = "bac-settings";

interface SettingsState extends Settings {
  change(patch: Partial<Settings>): void;
}

/**
 * The person's settings, kept in localStorage. `skipHydration`: the server and the first client render both
 * use the defaults (no hydration mismatch); SettingsRuntime rehydrates after mount.
 */
export const useSettingsStore = create<SettingsState>()(
  persist(
    (set) => ({
      ...DEFAULT_SETTINGS,
      change: (patch) => set(patch),
    }),
    {
      name: SETTINGS_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      skipHydration: true,
      partialize: ({ change: _, ...settings }) => settings,
      // Whatever is stored (an older version, a hand-edited value) is taken field by field, only if valid.
      merge: (persisted, current) => ({ ...current, ...validSettings(persisted) }),
    },
  ),
);

export function validSettings(value: unknown): Partial<Settings> {
  if (typeof value !== "object" || value === null) return {};
  const stored = value as Record<string, unknown>;
  const valid: Partial<Settings> = {};
  const interval = stored.pollInterval;
  if (interval === "server" || POLL_INTERVAL_CHOICES_MS.includes(interval as PollIntervalChoice)) {
    valid.pollInterval = interval as Settings["pollInterval"];
  }
  if (REVEAL_SPEEDS.includes(stored.revealSpeed as RevealSpeed))
    valid.revealSpeed = stored.revealSpeed as RevealSpeed;
  if (THEMES.includes(stored.theme as Theme)) valid.theme = stored.theme as Theme;
  if (typeof stored.notifyWhenDone === "boolean") valid.notifyWhenDone = stored.notifyWhenDone;
  return valid;
}

/** What goes to the server with a turn: only what differs from the server's own behaviour. */
export function turnSettingsOf(settings: Settings): TurnSettings {
  return {
    ...(settings.pollInterval !== "server" ? { pollIntervalMs: settings.pollInterval } : {}),
    ...(settings.revealSpeed !== "normal" ? { revealSpeed: settings.revealSpeed } : {}),
  };
}
