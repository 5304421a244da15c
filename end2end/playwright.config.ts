import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser; the flags keep it off the network. The portal
// (a release build started by portal.sh on 127.0.0.1:3000) is reached through nginx on :8080,
// as users reach it behind a reverse proxy.
const proxied = !process.env.SECPORTAL_URL;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: "list",
  use: {
    baseURL: process.env.SECPORTAL_URL ?? "http://127.0.0.1:8080",
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  // The emulator (a cloud whose state outlives portal restarts), the portal (restarted by a
  // test through portal.sh) and nginx in front.
  webServer: proxied
    ? [
        {
          command: "../target/release/emulator --addr 127.0.0.1:3100 --task-timing seconds:2",
          url: "http://127.0.0.1:3100/_emulator/faults",
          reuseExistingServer: false,
          timeout: 30_000,
        },
        { command: "./portal.sh", url: "http://127.0.0.1:3000/readyz", reuseExistingServer: false, timeout: 60_000 },
        { command: "./proxy.sh", url: "http://127.0.0.1:8080/healthz", reuseExistingServer: false, timeout: 30_000 },
      ]
    : undefined,
});
