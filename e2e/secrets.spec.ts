import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ask, waitForRunToEnd } from "./helpers";
import { SECRET_CANARIES } from "./secrets";

const canaries = Object.entries(SECRET_CANARIES);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? filesUnder(file) : [file];
  });
}

const leaks = (text: string, where: string) =>
  canaries.flatMap(([name, value]) => (text.includes(value) ? [`${name} in ${where}`] : []));

test("no server secret is in the client bundle the build produced", () => {
  const files = filesUnder(path.join(".next", "static"));
  expect(files.some((f) => f.endsWith(".js"))).toBe(true);
  expect(files.flatMap((file) => leaks(readFileSync(file, "latin1"), file))).toEqual([]);
});

test("no server secret reaches the browser in any page, script, API answer or stream", async ({ page }) => {
  const found: string[] = [];
  const bodies: Promise<void>[] = [];
  page.on("response", (response) => {
    bodies.push(
      response.body().then(
        (body) => {
          found.push(...leaks(body.toString("latin1"), response.url()));
          found.push(...leaks(JSON.stringify(response.headers()), `headers of ${response.url()}`));
        },
        () => undefined, // a stream cut by navigation has no body to read
      ),
    );
  });
  await page.goto("/");
  await ask(page, "Run a multi-step analysis of the sales data");
  await waitForRunToEnd(page);
  await page.reload();
  await expect(page.locator('[data-role="assistant"]')).toHaveCount(1);
  await Promise.all(bodies);
  expect(bodies.length).toBeGreaterThan(5);
  const cookies = await page.context().cookies();
  found.push(...leaks(JSON.stringify(cookies), "cookies"));
  expect(found).toEqual([]);
});

test("the health report names the provider and the database, and no secret", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const text = await response.text();
  expect(JSON.parse(text)).toMatchObject({ status: "ok", provider: "emulator", database: { ok: true } });
  expect(leaks(text, "/api/health")).toEqual([]);
});
