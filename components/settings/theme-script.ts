import { SETTINGS_STORAGE_KEY } from "@/lib/client/settings-store";

/**
 * Runs in <head> before the page paints: sets the `dark` class from the stored theme (or the system's), so a
 * dark page never flashes light on load. It must not wait for React; SettingsRuntime keeps the class right
 * afterwards. (The app sends no Content-Security-Policy; one would need a nonce or this script's hash.)
 */
export const THEME_SCRIPT = `(function(){try{var s=JSON.parse(localStorage.getItem(${JSON.stringify(
  SETTINGS_STORAGE_KEY,
)})||"{}");var t=s&&s.state&&s.state.theme;var d=t==="dark"||(t!=="light"&&matchMedia("(prefers-color-scheme: dark)").matches);document.documentElement.classList.toggle("dark",d)}catch(e){}})()`;
