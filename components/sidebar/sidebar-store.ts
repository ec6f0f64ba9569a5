import { create } from "zustand";

const COLLAPSED_KEY = "chat-history-collapsed";

interface SidebarState {
  /** Desktop: the sidebar is folded away (remembered in localStorage). */
  collapsed: boolean;
  /** Narrow screens: the sidebar is open as an overlay. */
  overlayOpen: boolean;
  toggleCollapsed(): void;
  setOverlayOpen(open: boolean): void;
  /** Apply the remembered desktop state; called after mount, so the server and first render agree. */
  restore(): void;
}

/** Where the history sidebar is shown; shared by the sidebar and the header buttons that open it. */
export const useSidebarStore = create<SidebarState>()((set, get) => ({
  collapsed: false,
  overlayOpen: false,
  toggleCollapsed: () => {
    const collapsed = !get().collapsed;
    set({ collapsed });
    try {
      localStorage.setItem(COLLAPSED_KEY, collapsed ? "1" : "0");
    } catch {
      // storage unavailable (private mode, blocked): the choice lasts for this page only
    }
  },
  setOverlayOpen: (overlayOpen) => set({ overlayOpen }),
  restore: () => {
    try {
      set({ collapsed: localStorage.getItem(COLLAPSED_KEY) === "1" });
    } catch {
      // storage unavailable: stay expanded
    }
  },
}));

export const SIDEBAR_ID = "chat-history";
export const OVERLAY_ID = "chat-history-overlay";
