import { test, expect, hydrated, signIn } from "./fixtures";

// Names and messages from the cloud may hold markup, scripts, quotes, right-to-left overrides,
// line breaks and 64 KiB of text. The emulator's hostile data set puts them into cluster, image,
// DSC job and DBSS instance names (the same ids as the default set); every page must show them
// literally, run nothing, and keep its layout.

const EMULATOR = "http://127.0.0.1:3100";
// A user of its own: the portal keeps each user's cloud lists for a minute.
const WHO = { domain: "secportal-demo", user: "team03", password: "team03-pass-1", region: "cn-north-4" };
const SCRIPT = "<script>alert('hostile')</script>";
const IMG = `"><img src=x onerror=alert(2)>`;
const QUOTES = "it's \"quoted\" & `ticked`";
const RTL = "evil\u202Elmth.exe";

test.describe("hostile names from the cloud", () => {
  test.beforeAll(async ({ request }) => {
    expect((await request.post(`${EMULATOR}/_emulator/data`, { data: { size: "hostile" } })).ok()).toBe(true);
  });
  test.afterAll(async ({ request }) => {
    expect((await request.post(`${EMULATOR}/_emulator/data`, { data: { size: "default" } })).ok()).toBe(true);
  });

  test("show literally on every page and run nothing", async ({ page }) => {
    const dialogs: string[] = [];
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await signIn(page, WHO);
    await expect(page).not.toHaveURL(/\/login/);

    const ALL = [SCRIPT, IMG, QUOTES, RTL, "line one", "long-xxxxxxxx"];
    const literal = async (where: string, within = page.locator("main"), texts = ALL) => {
      for (const text of texts) {
        await expect(within, `${where}: ${text}`).toContainText(text);
      }
      // Nothing became markup: no element the names spell out exists.
      expect(await page.locator("main img[src=x], main script").count(), where).toBe(0);
      // The 64 KiB name wraps inside its box instead of widening the page.
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(wide, `${where}: page wider than the window by ${wide}px`).toBeLessThanOrEqual(0);
    };

    await page.goto("/scans/new-cluster");
    await hydrated(page);
    await page.getByLabel("Chosen clusters").check();
    await literal("cluster picker", page.getByRole("table", { name: "Clusters" }));

    await page.goto("/exports?form=images");
    await hydrated(page);
    await literal("image picker", page.getByRole("table", { name: "Local images" }));

    await page.goto("/exports?form=dsc");
    await hydrated(page);
    const jobs = await page.getByLabel("Scan job", { exact: true }).locator("option").allTextContents();
    for (const text of [SCRIPT, IMG, QUOTES, RTL]) {
      expect(jobs.some((j) => j.includes(text)), `DSC job ${text} in ${jobs.length} options`).toBe(true);
    }

    await page.goto("/masking");
    await hydrated(page);
    // Four of the five DBSS instances are in this region.
    await literal("masking instances", page.locator("main"), [SCRIPT, IMG, QUOTES, RTL]);

    expect(dialogs).toEqual([]);
  });
});
