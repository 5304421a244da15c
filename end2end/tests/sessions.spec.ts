import { test, expect, hydrated, signIn } from "./fixtures";

// The sessions page in Chromium: a user signed in from two browsers ends the other one from the
// page, with the keyboard, and that browser is signed out at its next request.
// A user of its own, so no other test's sessions show here.
const WHO = { domain: "secportal-demo", user: "team05", password: "team05-pass-1", region: "cn-north-4" };

test("ending a session from the sessions page signs that browser out", async ({ page, browser }) => {
  const other = await browser.newContext({ userAgent: "Other-Browser/1.0" });
  const otherPage = await other.newPage();
  await signIn(otherPage, WHO);
  await expect(otherPage).toHaveURL(/\/$/);

  await signIn(page, WHO);
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page).toHaveURL(/\/sessions$/);
  await hydrated(page);
  const table = page.getByRole("table", { name: "Sessions" });
  await expect(table.locator("tbody tr").first()).toContainText("This session");
  const theirs = table.locator("tbody tr", { hasText: "Other-Browser/1.0" });
  await expect(theirs).toHaveCount(1);

  const end = theirs.getByRole("button", { name: /End the session of secportal-demo\/team05/ });
  await end.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "The session has ended." })).toBeVisible();
  await expect(theirs).toHaveCount(0);
  await expect(page.getByText("You are signed in nowhere else.")).toBeVisible();

  // The other browser's next page is the sign-in page.
  await otherPage.goto("/history");
  await expect(otherPage).toHaveURL(/\/login/);
  await other.close();
});
