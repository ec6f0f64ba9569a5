import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: "Background Agent Chat",
  description: "Chat with an agent whose long runs keep going in the background.",
  icons: { icon: "/favicon.svg" },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="flex h-dvh flex-col">
        <header className="flex items-center justify-between border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
          <Link href="/" className="font-semibold">
            Background Agent Chat
          </Link>
          {/* A full navigation, not a client transition: a new chat starts from a clean page. */}
          <a
            href="/"
            className="rounded-md border border-zinc-300 px-3 py-1 text-sm hover:bg-zinc-100 focus-visible:outline-2 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            New chat
          </a>
        </header>
        <main className="flex min-h-0 flex-1 flex-col">{children}</main>
      </body>
    </html>
  );
}
