// End-to-end test of `rasp serve` with the JSON-RPC stack VS Code's language client uses.
//
//     RASP_PYTHON=.venv/bin/python node tests/node/e2e.mjs
//
// pytest-lsp's client tolerates junk on the server's stdout; vscode-jsonrpc does not (one stray
// byte is a parse error and VS Code drops the server). So this client fails on any connection
// error, opens a program that prints while it loads, and checks the server exits cleanly.
// Exits 0 when every check passes; otherwise prints what failed (and the server's stderr) and
// exits 1.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PYTHON = process.env.RASP_PYTHON || "python3";
const OVERALL_TIMEOUT_MS = 90_000;
const ANALYSIS_TIMEOUT_MS = 60_000; // the first analysis starts the worker (tracr import)
const EXIT_TIMEOUT_MS = 5_000;

// A subset of what VS Code 1.9x with vscode-languageclient 9 declares: push diagnostics (no
// `textDocument.diagnostic`, so the server must push), Markdown hover, progress.
const CAPABILITIES = {
  general: { positionEncodings: ["utf-16"] },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true, willSave: true },
    publishDiagnostics: {
      relatedInformation: true,
      versionSupport: true,
      tagSupport: { valueSet: [1, 2] },
      codeDescriptionSupport: true,
      dataSupport: true,
    },
    hover: { dynamicRegistration: true, contentFormat: ["markdown", "plaintext"] },
    codeLens: { dynamicRegistration: true },
    inlayHint: { dynamicRegistration: true },
    codeAction: { dynamicRegistration: true, isPreferredSupport: true },
    completion: { dynamicRegistration: true, completionItem: { snippetSupport: true } },
    documentSymbol: { dynamicRegistration: true, hierarchicalDocumentSymbolSupport: true },
  },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    executeCommand: { dynamicRegistration: true },
    codeLens: { refreshSupport: true },
    inlayHint: { refreshSupport: true },
  },
  window: { workDoneProgress: true, showMessage: {}, showDocument: { support: true } },
};

// -- the server and what it sends ------------------------------------------------------------

const server = spawn(PYTHON, ["-P", "-m", "raspstudio", "serve"], {
  cwd: ROOT,
  stdio: ["pipe", "pipe", "pipe"],
});
let serverStderr = "";
server.stderr.on("data", (chunk) => {
  serverStderr = (serverStderr + chunk.toString()).slice(-8000);
});
let exitCode = null;
const exited = new Promise((done) => {
  server.on("exit", (code, signal) => {
    exitCode = code ?? signal;
    done(exitCode);
  });
});
server.on("error", (error) => fail(`cannot start ${PYTHON}: ${error.message}`));

const connection = createProtocolConnection(
  new StreamMessageReader(server.stdout),
  new StreamMessageWriter(server.stdin),
);

let exiting = false; // after `exit`, the connection closing is expected
connection.onError(([error, message]) => {
  const what = message ? ` while handling ${JSON.stringify(message).slice(0, 200)}` : "";
  const hint = "a parse error means stray bytes on the server's stdout";
  fail(`connection error (${hint}): ${error?.message ?? error}${what}`);
});
connection.onClose(() => {
  if (!exiting) fail("the connection closed before shutdown");
});

const diagnostics = new Map(); // uri -> list of {version, diagnostics}, in arrival order
const progress = new Map(); // token -> {title, ended}
const messages = []; // window/showMessage and window/logMessage texts
const requests = []; // methods of requests the server sent us
let changed = () => {}; // wakes up `waitFor`

connection.onNotification("textDocument/publishDiagnostics", (params) => {
  if (!diagnostics.has(params.uri)) diagnostics.set(params.uri, []);
  diagnostics.get(params.uri).push(params);
  changed();
});
connection.onNotification("$/progress", ({ token, value }) => {
  if (value.kind === "begin") progress.set(token, { title: value.title, ended: false });
  if (value.kind === "end" && progress.has(token)) progress.get(token).ended = true;
  changed();
});
connection.onNotification("window/showMessage", ({ message }) => messages.push(message));
connection.onNotification("window/logMessage", ({ message }) => messages.push(message));
connection.onRequest((method) => {
  // window/workDoneProgress/create, client/registerCapability, workspace/*/refresh: all
  // answered with null, as VS Code answers them.
  requests.push(method);
  return null;
});
connection.listen();

// -- helpers ---------------------------------------------------------------------------------

let failing = false;

/** Reports the first failure, then (once the server's last stderr is in) exits 1. */
function fail(reason) {
  if (failing) return;
  failing = true;
  console.error(`FAIL: ${reason}`);
  const exitedBefore = exitCode;
  server.kill("SIGKILL");
  setTimeout(() => {
    if (messages.length) console.error(`server messages:\n  ${messages.join("\n  ")}`);
    if (exitedBefore !== null) console.error(`the server had exited: ${exitedBefore}`);
    const tail = serverStderr.split("\n").slice(-30).join("\n");
    console.error(`server stderr (last lines):\n${tail}`);
    process.exit(1);
  }, 300);
}

class Failure extends Error {}

/** In `main`: stop at the first failed check. */
function check(condition, reason) {
  if (!condition) throw new Failure(reason);
}

/** Resolves with `predicate()`'s first truthy value; fails after `ms`. */
function waitFor(predicate, ms, what) {
  return new Promise((done) => {
    const timer = setTimeout(() => fail(`timed out after ${ms} ms waiting for ${what}`), ms);
    const poll = () => {
      const found = predicate();
      if (found) {
        clearTimeout(timer);
        changed = () => {};
        done(found);
      }
    };
    changed = poll;
    poll();
  });
}

function open(relativePath) {
  const path = join(ROOT, relativePath);
  const uri = pathToFileURL(path).href;
  connection.sendNotification("textDocument/didOpen", {
    textDocument: { uri, languageId: "python", version: 1, text: readFileSync(path, "utf8") },
  });
  return uri;
}

/** The latest diagnostics published for `uri` at `version`, once its analysis has ended. */
async function analysed(uri, file) {
  const title = `Checking ${file}`;
  await waitFor(
    () => [...progress.values()].some((p) => p.title === title && p.ended),
    ANALYSIS_TIMEOUT_MS,
    `the end of "${title}" ($/progress)`,
  );
  const published = await waitFor(
    () => (diagnostics.get(uri) ?? []).filter((p) => p.version === 1).at(-1),
    ANALYSIS_TIMEOUT_MS,
    `publishDiagnostics for ${file} version 1`,
  );
  return published.diagnostics;
}

// -- the session -----------------------------------------------------------------------------

async function main() {
  const initialized = await connection.sendRequest("initialize", {
    processId: process.pid,
    clientInfo: { name: "Visual Studio Code", version: "1.95.0" },
    rootUri: pathToFileURL(ROOT).href,
    workspaceFolders: [{ uri: pathToFileURL(ROOT).href, name: "rasp-studio" }],
    capabilities: CAPABILITIES,
  });
  check(initialized?.capabilities?.hoverProvider, "the server does not advertise hover");
  connection.sendNotification("initialized", {});

  // A silent miscompilation: RASP501 on `program = ...` (0-based line 8).
  const mapUri = open("tests/fixtures/negative_numerical_map.py");
  const found = await analysed(mapUri, "negative_numerical_map.py");
  const miscompiled = found.find((d) => d.code === "RASP501");
  check(miscompiled, `no RASP501 among ${JSON.stringify(found.map((d) => d.code))}`);
  check(miscompiled.source === "rasp", `RASP501 source is ${miscompiled.source}, not "rasp"`);
  check(
    miscompiled.range.start.line === 8,
    `RASP501 is on 0-based line ${miscompiled.range.start.line}, not 8`,
  );
  console.log(`ok: RASP501 at 8:${miscompiled.range.start.character}: ${miscompiled.message}`);

  const hover = await connection.sendRequest("textDocument/hover", {
    textDocument: { uri: mapUri },
    position: miscompiled.range.start,
  });
  const text = hover?.contents?.value ?? "";
  check(hover?.contents?.kind === "markdown", `hover is not Markdown: ${JSON.stringify(hover)}`);
  check(text.includes("minus_two"), `hover does not name the operation: ${JSON.stringify(text)}`);
  console.log(`ok: hover on line 8 names \`minus_two\``);

  // A program that prints while loading and evaluating: nothing may reach the LSP channel.
  const printsUri = open("tests/fixtures/hostile/prints.py");
  const printed = await analysed(printsUri, "prints.py");
  const errors = printed.filter((d) => d.severity === 1);
  check(errors.length === 0, `prints.py has errors: ${JSON.stringify(errors)}`);
  console.log(`ok: prints.py analysed (${printed.length} diagnostics), no parse error`);

  await connection.sendRequest("shutdown");
  exiting = true;
  connection.sendNotification("exit");
  const timer = setTimeout(
    () => fail(`the server did not exit within ${EXIT_TIMEOUT_MS} ms of "exit"`),
    EXIT_TIMEOUT_MS,
  );
  const code = await exited;
  clearTimeout(timer);
  check(code === 0, `the server exited with ${code}, not 0`);
  connection.dispose();
  console.log(`ok: the server exited with 0 (server requests seen: ${[...new Set(requests)]})`);
}

process.on("unhandledRejection", (error) => fail(`unhandled: ${error?.message ?? error}`));
const overall = () => fail(`overall timeout (${OVERALL_TIMEOUT_MS / 1000} s)`);
setTimeout(overall, OVERALL_TIMEOUT_MS).unref();
main().then(
  () => process.exit(0),
  (error) => fail(error instanceof Failure ? error.message : (error?.stack ?? String(error))),
);
