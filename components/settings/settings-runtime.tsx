"use client";

import { useEffect, useState } from "react";
import { useSettingsStore } from "@/lib/client/settings-store";

const DARK_QUERY = "(prefers-color-scheme: dark)";

/**
 * Loads the stored settings after mount (so the server's render and the first client render agree) and keeps
 * the `dark` class on <html> in line with the theme: `system` follows the operating system as it changes.
 */
export function SettingsRuntime() {
  useEffect(() => {
    void useSettingsStore.persist.rehydrate();
  }, []);

  const theme = useSettingsStore((state) => state.theme);
  const hydrated = useSettingsHydrated();
  useEffect(() => {
    // Until the stored theme is read, the inline script's class stands (it read the same storage).
    if (!hydrated) return;
    const system = window.matchMedia(DARK_QUERY);
    const apply = () =>
      document.documentElement.classList.toggle(
        "dark",
        theme === "dark" || (theme === "system" && system.matches),
      );
    apply();
    if (theme !== "system") return;
    system.addEventListener("change", apply);
    return () => system.removeEventListener("change", apply);
  }, [theme, hydrated]);

  return null;
}

/** True once the stored settings were loaded (always false on the server and in the first render). */
export function useSettingsHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => {
    const { persist } = useSettingsStore;
    setHydrated(persist.hasHydrated());
    return persist.onFinishHydration(() => setHydrated(true));
  }, []);
  return hydrated;
}
