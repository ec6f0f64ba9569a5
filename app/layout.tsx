import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Sidebar, SidebarToggles } from "@/components/sidebar";
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
        <header className="flex items-center gap-2 border-b border-zinc-200 px-2 py-2 md:px-3 dark:border-zinc-800">
          <SidebarToggles />
          <Link
            href="/"
            className="min-w-0 truncate rounded-sm px-1 font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
          >
            Background Agent Chat
          </Link>
        </header>
        <div className="flex min-h-0 flex-1">
          <Sidebar />
          <main className="flex min-h-0 min-w-0 flex-1 flex-col">{children}</main>
        </div>
      </body>
    </html>
  );
}
