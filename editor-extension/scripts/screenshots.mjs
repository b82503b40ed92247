// Marketplace screenshots of RASP Studio in a real VS Code (code-server in headless Chromium).
//
// This documents how images/*.png were made; CI does not run it.
//
//   CODE_SERVER=/path/to/node_modules/.bin/code-server \
//   CHROMIUM=/usr/bin/chromium \
//   VSIX=/path/to/rasp-studio.vsix \
//   PYTHON=/path/to/.venv/bin/python \        # an interpreter with rasp-studio (and tracr) installed
//   node editor-extension/scripts/screenshots.mjs
//
// Optional: OUT_DIR (default: editor-extension/images), WORK_DIR (default: a fresh temp dir for
// code-server's user data, extensions and the workspace), PLAYWRIGHT_CORE (where to require
// playwright-core from, e.g. /tmp/cs/node_modules/playwright-core; default: normal resolution).
//
// Installing code-server 4.100.3 (VS Code 1.100.3) without GitHub or the marketplace, as root on
// Debian 12 with Node 20 (what the pictures were made with):
//
//   apt-get install -y libkrb5-dev ripgrep chromium   # kerberos' native build needs gssapi.h
//   # Pre-seed @vscode/ripgrep's download cache so its postinstall never calls api.github.com:
//   RGC="$(node -e 'console.log(require("os").tmpdir())')/vscode-ripgrep-cache-1.15.11"
//   mkdir -p "$RGC" /tmp/rgtmp && cp /usr/bin/rg /tmp/rgtmp/rg
//   tar czf "$RGC/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /tmp/rgtmp rg
//   # unsafe_perm: code-server's postinstall refuses root without it; yes: node-pty's postinstall
//   # runs `npx node-gyp`; nodedir: build against /usr/include/node instead of downloading headers.
//   mkdir /tmp/cs && cd /tmp/cs
//   npm_config_yes=true npm_config_unsafe_perm=true npm_config_nodedir=/usr \
//     npm install code-server@4.100.3 --foreground-scripts
//   npm install playwright-core                        # drives the Debian chromium, no download
//
// The script starts code-server on 127.0.0.1 (no auth) in its own process group with a temporary
// user-data and extensions dir, installs the vsix, writes a two-file workspace, takes
// screenshot-lenses.png, screenshot-diagnostics.png and screenshot-layers.png, prints the
// status-bar item, notifications and the "RASP Studio" output channel, and stops code-server's
// whole process group (the language server and its worker included).

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || "playwright-core");

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");
const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`set ${name} (see the header of ${path.basename(fileURLToPath(import.meta.url))})`);
    process.exit(2);
  }
  return value;
};
const CODE_SERVER = env("CODE_SERVER");
const CHROMIUM = env("CHROMIUM");
const VSIX = path.resolve(env("VSIX"));
const PYTHON = env("PYTHON");
const OUT_DIR = path.resolve(process.env.OUT_DIR || path.join(repo, "editor-extension", "images"));
const WORK = path.resolve(process.env.WORK_DIR || fs.mkdtempSync(path.join(os.tmpdir(), "rasp-shots-")));
const VIEWPORT = { width: 1400, height: 900 };

const dataDir = path.join(WORK, "data");
const extDir = path.join(WORK, "extensions");
const workspace = path.join(WORK, "workspace");

// --- the workspace -------------------------------------------------------------------------

const HISTOGRAM_BUG = `"""Count each token's occurrences, then scale by the length: a draft with two mistakes."""

from tracr.rasp import rasp

VOCAB = {"a", "b", "c"}
MAX_SEQ_LEN = 5
EXAMPLES = [["a", "b", "a", "c"]]

same = rasp.Select(rasp.tokens, rasp.tokens, rasp.Comparison.EQ).named("same")
hist = rasp.SelectorWidth(same).named("hist")
# Each token's share of the sequence: its count over the length.
share = rasp.numerical(rasp.SequenceMap(lambda n, l: n / l, hist, rasp.length)).named("share")
program = share
`;

const SETTINGS = {
  "rasp.interpreter": PYTHON,
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "editor.inlayHints.enabled": "on",
  "workbench.colorTheme": "Default Dark Modern",
  "window.zoomLevel": 0,
  "editor.fontSize": 14,
  "editor.minimap.enabled": false,
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  // Keep the chrome quiet: no chat/secondary side bar, no welcome pages, no update nags.
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "chat.commandCenter.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
};

function prepare() {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(extDir, { recursive: true, force: true });
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.mkdirSync(path.join(dataDir, "User"), { recursive: true });
  fs.mkdirSync(extDir, { recursive: true });
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(dataDir, "User", "settings.json"), JSON.stringify(SETTINGS, null, 2));
  fs.copyFileSync(path.join(repo, "programs", "positional", "reverse.py"), path.join(workspace, "reverse.py"));
  fs.writeFileSync(path.join(workspace, "histogram_bug.py"), HISTOGRAM_BUG);
  // code-server otherwise writes a default config (with a password) to ~/.config/code-server.
  fs.writeFileSync(path.join(WORK, "config.yaml"), "auth: none\ncert: false\n");
}

const baseArgs = () => ["--config", path.join(WORK, "config.yaml"), "--user-data-dir", dataDir, "--extensions-dir", extDir];

function installVsix() {
  const result = spawnSync(CODE_SERVER, [...baseArgs(), "--install-extension", VSIX, "--force"], { encoding: "utf8" });
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0) {
    throw new Error(`installing ${VSIX} failed (${result.status})`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startCodeServer(port) {
  const log = fs.openSync(path.join(WORK, "code-server.log"), "w");
  const child = spawn(
    CODE_SERVER,
    [
      ...baseArgs(),
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--ignore-last-opened",
    ],
    { detached: true, stdio: ["ignore", log, log] }, // detached: its own process group
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) {
        return child;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stopGroup(child);
  throw new Error("code-server did not come up; see code-server.log");
}

function stopGroup(child) {
  if (child === undefined || child.exitCode !== null) {
    return;
  }
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    spawnSync("sleep", ["0.2"]);
  }
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // gone
  }
}

// --- driving the workbench -----------------------------------------------------------------

async function command(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden" });
}

async function openFile(page, name) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor();
  await page.keyboard.press("Enter");
  await page.locator(`.tabs-container .tab.active`, { hasText: name }).waitFor();
  await page.locator(".editor-group-container.active .monaco-editor .view-lines").waitFor();
}

/** The screen rectangle of the first `word` on the (visible) line whose text starts with `lineStart`. */
async function wordBox(page, lineStart, word) {
  return page.evaluate(
    ([lineStart, word]) => {
      const editor = document.querySelector(".editor-group-container.active .monaco-editor");
      for (const line of editor.querySelectorAll(".view-lines .view-line")) {
        if (!line.textContent.replace(/\u00a0/g, " ").startsWith(lineStart)) {
          continue;
        }
        const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.textContent.indexOf(word);
          if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + word.length);
            const r = range.getBoundingClientRect();
            return { x: r.x, y: r.y, width: r.width, height: r.height };
          }
        }
      }
      return null;
    },
    [lineStart, word],
  );
}

async function hover(page, box) {
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
  const widget = page.locator(".monaco-editor .monaco-hover:not(.hidden)").first();
  await widget.waitFor({ state: "visible", timeout: 15_000 });
  await page.waitForTimeout(400); // the fade-in
  return (await widget.innerText()).trim();
}

/** The first frame (webviews are nested iframes) that has `selector`, once it has it. */
async function frameWith(page, selector, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) {
        return frame;
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no frame with ${selector}`);
}

async function statusItem(page) {
  const item = page.locator(".statusbar-item", { hasText: "RASP" }).first();
  return (await item.count()) ? (await item.innerText()).trim() : "(no RASP status-bar item)";
}

async function toasts(page) {
  return page.locator(".notification-toast").allInnerTexts();
}

async function clearToasts(page) {
  if ((await page.locator(".notification-toast").count()) > 0) {
    await command(page, "Notifications: Clear All Notifications");
  }
}

async function shoot(page, name) {
  const file = path.join(OUT_DIR, name);
  await page.screenshot({ path: file });
  console.log(`wrote ${file} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
}

function dumpOutputChannels() {
  const logs = path.join(dataDir, "logs");
  if (!fs.existsSync(logs)) {
    return;
  }
  const files = fs.readdirSync(logs, { recursive: true }).map((f) => path.join(logs, String(f)));
  for (const file of files) {
    if (/RASP Studio\.log$/.test(file) || /exthost\.log$/.test(file)) {
      console.log(`\n===== ${path.relative(WORK, file)} =====\n${fs.readFileSync(file, "utf8")}`);
    }
  }
}

async function main() {
  prepare();
  installVsix();
  const port = await freePort();
  const server = await startCodeServer(port);
  let browser;
  let page;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(30_000);
    page.on("console", (m) => m.type() === "error" && console.log("[browser error]", m.text().slice(0, 300)));

    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor();
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: "reverse.py" }).waitFor();

    // a. reverse.py: lenses, inlay hints, and the hover over `opposite`'s SequenceMap.
    await openFile(page, "reverse.py");
    const summary = page.locator(".codelens-decoration", { hasText: "layers" }).first();
    await summary.waitFor({ timeout: 60_000 }); // the first check imports tracr in the worker
    await page.locator(".codelens-decoration", { hasText: "mlp" }).first().waitFor();
    await page.waitForTimeout(1_000); // inlay hints arrive with the same check; let them paint
    console.log("status bar:", await statusItem(page));
    console.log("lenses:", await page.locator(".codelens-decoration").allInnerTexts());
    console.log("notifications:", await toasts(page));
    await clearToasts(page);
    // The SequenceMap on the right-hand side (hovering the name `opposite` shows the same hover).
    const sequenceMap = await wordBox(page, "opposite =", "SequenceMap");
    console.log("hover over opposite's SequenceMap:", JSON.stringify(await hover(page, sequenceMap)));
    await shoot(page, "screenshot-lenses.png");

    // c. RASP: Show Compiled Layers, the report beside the editor (side bar closed for room).
    await page.mouse.move(5, VIEWPORT.height / 2);
    await page.keyboard.press("Escape");
    await command(page, "View: Close Primary Side Bar");
    await command(page, "RASP: Show Compiled Layers");
    // A .md file in the extension's global storage, shown in the built-in Markdown preview (a
    // webview: nested iframes) beside the editor; wait for its rendered table.
    await page.locator(".editor-group-container").nth(1).locator(".tab", { hasText: "Preview" }).waitFor();
    const preview = await frameWith(page, "table");
    console.log("layers preview:", JSON.stringify((await preview.locator("body").innerText()).slice(0, 300)));
    await page.waitForTimeout(500);
    console.log("editor tabs:", await page.locator(".tabs-container .tab").allInnerTexts());
    console.log("notifications:", await toasts(page));
    await clearToasts(page);
    await shoot(page, "screenshot-layers.png");
    // Nothing unsaved: closing everything asks nothing.
    await command(page, "View: Close All Editor Groups");
    await page.waitForTimeout(1_000);
    if (await page.locator(".monaco-dialog-box").isVisible()) {
      throw new Error("closing the layers report asked something");
    }
    await page.locator(".editor-group-container .tabs-container .tab").first().waitFor({ state: "detached" });

    // b. histogram_bug.py (side bar still closed, so line 12 and its hint fit): the squiggle,
    // the Problems panel, the hover on the squiggle and the quick-fix menu.
    await openFile(page, "histogram_bug.py");
    const squiggles = page.locator(".editor-group-container.active .squiggly-error");
    await squiggles.first().waitFor({ timeout: 60_000 });
    await page.locator(".codelens-decoration", { hasText: "not compiled" }).first().waitFor();
    await page.keyboard.press("Control+Shift+M");
    await page.locator(".markers-panel .monaco-list-row", { hasText: "RASP" }).first().waitFor();
    await page.waitForTimeout(500);
    console.log("problems:", await page.locator(".markers-panel .monaco-list-row").allInnerTexts());
    console.log("lenses:", await page.locator(".codelens-decoration").allInnerTexts());
    console.log("status bar:", await statusItem(page));
    console.log("notifications:", await toasts(page));
    await clearToasts(page);
    // The hover on the squiggle (both messages, above the line), then the quick-fix menu below
    // it: a click in the hovered range keeps the hover, and Ctrl+. opens the menu at the cursor.
    const squiggle = await squiggles.first().boundingBox();
    console.log("hover over squiggle:", JSON.stringify(await hover(page, squiggle)));
    await page.waitForTimeout(1_500);
    await page.mouse.click(squiggle.x + squiggle.width / 2, squiggle.y + squiggle.height / 2);
    await page.keyboard.press("Control+.");
    const fixes = page.locator(".action-widget");
    await fixes.waitFor({ state: "visible" });
    console.log("quick fixes:", JSON.stringify(await fixes.innerText()));
    await page.waitForTimeout(1_500);
    const stillHovered = await page.locator(".monaco-editor .monaco-hover:not(.hidden)").first().isVisible();
    console.log("hover still shown with the menu open:", stillHovered);
    await shoot(page, "screenshot-diagnostics.png");
    await page.keyboard.press("Escape");

    // The status-bar item's tooltip, for the record.
    await page.locator(".statusbar-item", { hasText: "RASP" }).first().hover();
    const tooltip = page.locator(".workbench-hover-container, .monaco-hover:not(.hidden)").last();
    await tooltip.waitFor({ state: "visible" }).catch(() => undefined);
    console.log("status-bar tooltip:", JSON.stringify(await tooltip.innerText().catch(() => "(none)")));
  } catch (e) {
    await page?.screenshot({ path: path.join(WORK, "failure.png") });
    console.log(`failed; the page as it was: ${path.join(WORK, "failure.png")}`);
    throw e;
  } finally {
    await browser?.close();
    stopGroup(server);
    dumpOutputChannels();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
