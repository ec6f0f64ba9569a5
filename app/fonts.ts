import localFont from "next/font/local";

/*
 * The app's typefaces, Geist and Geist Mono (the `geist` package, SIL Open Font License), served with the app and
 * preloaded. With the platform's fonts, Chromium on Linux asks its browser process for every family, weight and
 * size the first screen uses, in synchronous round trips from the page's first layout: on a busy machine they
 * were most of a first visit's longest task (see BENCHMARKS.md, the 200-message chat). A font the page brings is
 * read in the page itself. The full character sets (arrows, maths, punctuation of model output) rather than a
 * Latin subset, so text rarely falls back to a platform font; the app's own signs are drawn (SVG), not characters
 * these fonts lack. No metric-matched fallback face: it would be a `local()` look-up of its own.
 */
export const sans = localFont({
  src: "../node_modules/geist/dist/fonts/geist-sans/Geist-Variable.woff2",
  weight: "100 900",
  display: "swap",
  variable: "--font-geist-sans",
  adjustFontFallback: false,
  fallback: ["system-ui", "sans-serif"],
});

export const mono = localFont({
  src: "../node_modules/geist/dist/fonts/geist-mono/GeistMono-Variable.woff2",
  weight: "100 900",
  display: "swap",
  variable: "--font-geist-mono",
  adjustFontFallback: false,
  fallback: ["ui-monospace", "monospace"],
});
