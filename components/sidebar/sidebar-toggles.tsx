"use client";

import { useShallow } from "zustand/react/shallow";
import { MenuIcon, PanelIcon } from "./icons";
import { OVERLAY_ID, SIDEBAR_ID, useSidebarStore } from "./sidebar-store";

const BUTTON =
  "shrink-0 items-center justify-center rounded-md p-2 text-zinc-600 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:text-zinc-300 dark:hover:bg-zinc-800";

/**
 * The header's buttons for the history sidebar: on desktop, hide or show the column; on narrow screens, open
 * it as an overlay. Only one of them is displayed at a time.
 */
export function SidebarToggles() {
  const { collapsed, overlayOpen, toggleCollapsed, setOverlayOpen } = useSidebarStore(
    useShallow(({ collapsed, overlayOpen, toggleCollapsed, setOverlayOpen }) => ({
      collapsed,
      overlayOpen,
      toggleCollapsed,
      setOverlayOpen,
    })),
  );
  return (
    <>
      <button
        type="button"
        aria-label={collapsed ? "Show chat history" : "Hide chat history"}
        aria-expanded={!collapsed}
        aria-controls={SIDEBAR_ID}
        onClick={toggleCollapsed}
        className={`hidden md:inline-flex ${BUTTON}`}
      >
        <PanelIcon />
      </button>
      <button
        type="button"
        aria-label="Chat history"
        aria-haspopup="dialog"
        aria-expanded={overlayOpen}
        aria-controls={OVERLAY_ID}
        onClick={() => setOverlayOpen(true)}
        className={`inline-flex md:hidden ${BUTTON}`}
      >
        <MenuIcon />
      </button>
    </>
  );
}
