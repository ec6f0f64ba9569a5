import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { SignOutButton } from "@/components/account/sign-out-button";
import { ChatUsageMenu } from "@/components/chat/chat-usage-menu";
import { EARLY_INPUT_SCRIPT } from "@/components/chat/early-input-script";
import { ExportMenu } from "@/components/chat/export-menu";
import { NewChatShortcut } from "@/components/chat/new-chat-shortcut";
import { SkipToComposer } from "@/components/chat/skip-to-composer";
import { SettingsButton } from "@/components/settings/settings-dialog";
import { SettingsRuntime } from "@/components/settings/settings-runtime";
import { THEME_SCRIPT } from "@/components/settings/theme-script";
import { Sidebar, SidebarToggles } from "@/components/sidebar";
import { pageOwner } from "@/lib/auth/page-owner";
import { currentAuthMode } from "@/lib/auth/request";
import { APP_TITLE } from "@/lib/shared/chat-list";
import "./globals.css";

export const metadata: Metadata = {
  title: APP_TITLE,
  description: "Chat with an agent whose long runs keep going in the background.",
  icons: { icon: "/favicon.svg" },
};

/**
 * With sign-in on, who is signed in (shown with Sign out), or null for a signed-out person: the sign-in page
 * then stands alone, without the chats' header and sidebar.
 */
async function signedInEmail(): Promise<string | null | undefined> {
  if (currentAuthMode().kind !== "oidc") return undefined;
  return (await pageOwner())?.email ?? null;
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const email = await signedInEmail();
  return (
    // The inline script sets <html>'s `dark` class before React hydrates: that one difference is expected.
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of ours, no user data (theme-script.ts) */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of ours, no user data (early-input-script.ts) */}
        <script dangerouslySetInnerHTML={{ __html: EARLY_INPUT_SCRIPT }} />
      </head>
      <body className="flex h-dvh flex-col">
        {email === null ? (
          <main className="flex min-h-0 flex-1 flex-col">{children}</main>
        ) : (
          <>
            <SkipToComposer />
            <SettingsRuntime />
            <NewChatShortcut />
            <header className="flex items-center gap-2 border-b border-zinc-200 px-2 py-2 md:px-3 dark:border-zinc-800">
              <SidebarToggles />
              <Link
                href="/"
                className="min-w-0 truncate rounded-sm px-1 font-semibold focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
              >
                {APP_TITLE}
              </Link>
              <SettingsButton />
              <ChatUsageMenu />
              <ExportMenu />
              {email ? <SignOutButton email={email} /> : null}
            </header>
            <div className="flex min-h-0 flex-1">
              <Sidebar />
              <main className="flex min-h-0 min-w-0 flex-1 flex-col">{children}</main>
            </div>
          </>
        )}
      </body>
    </html>
  );
}
