"use client";

import { useEffect, useState } from "react";

/** The current time, renewed every `everyMs` while the component is mounted (relative labels move on). */
export function useNow(everyMs = 60_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
