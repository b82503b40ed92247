// Typing into a document while pulling diagnostics the way vscode-languageclient 9.0.1 does.
//
//     RASP_PYTHON=.venv/bin/python node tests/node/typing.mjs
//
// VS Code's client pulls `textDocument/diagnostic` after each change and when the server sends
// `workspace/diagnostic/refresh`; a new pull cancels the one pending, and 9.0.1 then clears the
// document's diagnostics (vscode-languageserver-node #1471). This client keeps its view the
// same way: each answer replaces it, a cancelled pull empties it. It types 20 characters into a
// comment of a miscompiled program (a save after the 10th) and checks that the RASP501 is in
// its view at every moment after the first answer. Exits 0 when it is, else 1.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CancellationTokenSource,
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = process.env.RASP_PYTHON || "python3";
const OVERALL_TIMEOUT_MS = 150_000;
const GAP_MS = 100; // between keystrokes: a brisk typist
const TYPED = "clipped to 0 by tracr"; // 20 characters are typed from it

const server = spawn(PYTHON, ["-P", "-m", "raspstudio", "serve"], { cwd: ROOT });
let serverStderr = "";
server.stderr.on("data", (chunk) => {
  serverStderr = (serverStderr + chunk.toString()).slice(-8000);
});
const connection = createProtocolConnection(
  new StreamMessageReader(server.stdout),
  new StreamMessageWriter(server.stdin),
);

function fail(reason) {
  console.error(`FAIL: ${reason}\nserver stderr (last lines):\n${serverStderr.slice(-3000)}`);
  server.kill("SIGKILL");
  process.exit(1);
}

// -- the client's view, kept as vscode-languageclient 9.0.1 keeps it --------------------------

const folder = mkdtempSync(join(tmpdir(), "rasp-typing-"));
const path = join(folder, "miscompiled.py");
const source = `${readFileSync(join(ROOT, "tests/fixtures/negative_numerical_map.py"), "utf8")}# note: \n`;
writeFileSync(path, source);
const uri = pathToFileURL(path).href;

let view = null; // codes the editor shows; null until the first answer
const history = []; // every view, in order
let pending = null; // the CancellationTokenSource of the pull in flight
let analysing = 0; // $/progress begun and not ended

function show(codes, why) {
  view = codes;
  history.push({ why, codes });
}

function pull(why) {
  if (pending) {
    pending.cancel();
    if (view !== null) show([], `${why}: a pending pull was cancelled (#1471 clears)`);
  }
  const source = new CancellationTokenSource();
  pending = source;
  connection
    .sendRequest("textDocument/diagnostic", { textDocument: { uri } }, source.token)
    .then(
      (report) => {
        if (pending === source) pending = null;
        if (!source.token.isCancellationRequested) show(report.items.map((d) => d.code), why);
      },
      () => {}, // cancelled: the view was cleared above
    );
}

connection.onRequest("workspace/diagnostic/refresh", () => {
  pull("refresh");
  return null;
});
connection.onNotification("$/progress", ({ value }) => {
  if (value.kind === "begin") analysing += 1;
  if (value.kind === "end") analysing -= 1;
});
connection.onRequest(() => null); // progress create, registrations, other refreshes
connection.listen();

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function until(condition, ms, what) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function main() {
  await connection.sendRequest("initialize", {
    processId: process.pid,
    clientInfo: { name: "Visual Studio Code", version: "1.95.0" },
    rootUri: pathToFileURL(ROOT).href,
    capabilities: {
      textDocument: {
        synchronization: { didSave: true },
        diagnostic: { relatedDocumentSupport: false },
      },
      workspace: { diagnostics: { refreshSupport: true } },
      window: { workDoneProgress: true },
    },
  });
  connection.sendNotification("initialized", {});
  connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "python", version: 1, text: source },
  });
  pull("open");
  const found = () => view?.includes("RASP501");
  await until(found, 90_000, "the first RASP501");
  const first = history.length - 1;
  const line = source.split("\n").length - 2;
  const column = "# note: ".length;
  for (let i = 0; i < 20; i += 1) {
    const at = { line, character: column + i };
    connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 + i },
      contentChanges: [{ range: { start: at, end: at }, text: TYPED[i] }],
    });
    pull(`keystroke ${i + 1}`);
    if (i === 9) connection.sendNotification("textDocument/didSave", { textDocument: { uri } });
    await sleep(GAP_MS);
  }
  await until(() => analysing === 0 && pending === null, 60_000, "the last check");
  const missing = history.slice(first).filter((h) => !h.codes.includes("RASP501"));
  if (missing.length) fail(`RASP501 left the view: ${JSON.stringify(missing)}`);
  console.log(`ok: RASP501 stayed in all ${history.length - first} views while typing`);
  await connection.sendRequest("shutdown");
  connection.sendNotification("exit");
}

setTimeout(() => fail("overall timeout"), OVERALL_TIMEOUT_MS).unref();
main().then(
  () => process.exit(0),
  (error) => fail(error?.stack ?? String(error)),
);
