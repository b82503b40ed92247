/**
 * The bundled extension (dist/extension.js) in a stand-in VS Code (fakeVscode.ts), starting
 * the real `rasp serve` from the repository's virtualenv over stdio.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";

import { codes, extension, SETTLE, useEditor, waitFor } from "./bundle";
import { type FakeEditor, Uri } from "./fakeVscode";
import { EXTENSION, REPO_PYTHON, ROOT } from "./paths";

let editor: FakeEditor;

const USES_LENGTH = `from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 3

program = rasp.Map(lambda n: n, rasp.length).named("copy")
`;
const REVERSE = fs.readFileSync(path.join(ROOT, "programs", "positional", "reverse.py"), "utf-8");

let folder: string;

function write(name: string, text: string): Uri {
  const file = path.join(folder, name);
  fs.writeFileSync(file, text);
  return Uri.file(file);
}

async function activate(): Promise<any> {
  const rasp = extension.activate(editor.context(EXTENSION));
  return rasp;
}

describe("activation in a stand-in VS Code", function () {
  this.timeout(120_000);

  beforeEach(() => {
    editor = useEditor();
    editor.configuration.set("rasp.interpreter", REPO_PYTHON);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "rasp-ext-"));
  });

  afterEach(async () => {
    await extension.deactivate();
  });

  it("starts the real server, shows located diagnostics, and stops it on deactivate", async () => {
    const first = write("uses_length.py", USES_LENGTH);
    await editor.open(first, USES_LENGTH);
    const rasp = await activate();
    const client = await rasp.ensureStarted();
    assert.ok(client, editor.shown.map((s) => s.message).join("\n"));
    assert.equal(client.initializeResult.serverInfo.name, "rasp-studio");
    // Our palette ids and the server's own (registered by the client) live side by side.
    for (const id of ["rasp.showLayers", "rasp.server.showLayers", "rasp.server.generateFromSpec"]) {
      assert.ok(editor.commands.has(id), id);
    }

    const diagnostics = await waitFor("diagnostics", () => editor.diagnosticsFor(first));
    const [diagnostic] = diagnostics.filter((d) => codes([d])[0] === "RASP304");
    assert.ok(diagnostic, JSON.stringify(codes(diagnostics)));
    assert.equal(diagnostic.range.start.line, 5);
    assert.equal(diagnostic.severity, 0);
    assert.match(diagnostic.message, /rasp\.length/);
    assert.equal(editor.statusBar.text, "$(check) RASP · from EXAMPLES");

    // A document opened later is checked too.
    const second = write("also_uses_length.py", USES_LENGTH);
    await editor.open(second, USES_LENGTH);
    await waitFor("diagnostics of the second file", () => editor.diagnosticsFor(second));

    const pid: number = client._serverProcess.pid;
    await extension.deactivate();
    assert.equal(rasp.state, "stopped");
    await waitFor("the server to exit", () => (isAlive(pid) ? undefined : true), 10_000);
  });

  it("runs the palette commands through the server's commands", async () => {
    const uri = write("reverse.py", REVERSE);
    await editor.open(uri, REVERSE);
    const rasp = await activate();
    await rasp.ensureStarted();

    await editor.api.commands.executeCommand("rasp.showLayers");
    const [report] = editor.previews;
    assert.ok(report, "no layer report was shown");
    assert.match(fs.readFileSync(report.fsPath, "utf-8"), /^# `program`: 3 layers · 2 heads/);
    assert.equal(path.basename(report.fsPath), "reverse-program.md");

    editor.answers = ["a b c"];
    await editor.api.commands.executeCommand("rasp.runOnInput");
    assert.equal(editor.inputBoxes[0].value, "a b c", "the box starts from the file's first EXAMPLES");
    assert.ok(
      editor.shown.some((s) => s.message === "program on a b c: interpreter c b a · compiled c b a · agree"),
      JSON.stringify(editor.shown),
    );
    editor.answers = ["a z"];
    await editor.api.commands.executeCommand("rasp.runOnInput");
    assert.ok(
      editor.shown.some((s) => s.kind === "error" && s.message === "input tokens not in the vocabulary: 'z'"),
      JSON.stringify(editor.shown),
    );

    editor.answers = ["b a"];
    await editor.api.commands.executeCommand("rasp.setExample");
    assert.equal(editor.statusBar.text, "$(check) RASP · b a");

    const before = rasp.client;
    await editor.api.commands.executeCommand("rasp.restartServer");
    assert.notEqual(rasp.client, before);
    assert.equal(rasp.client.isRunning(), true);
    // The new server got the running example back: hovers show values on it.
    const hover = () =>
      rasp.client.sendRequest("textDocument/hover", {
        textDocument: { uri: uri.toString() },
        position: { line: 10, character: 3 },
      });
    const text = await pollHover(hover);
    assert.match(text, /on `b a` \(set with rasp\.setExample\)/);
  });

  it("drafts from a spec through the configured endpoint, with the stored key", async () => {
    const model = await chatServer(REVERSE);
    try {
      editor.configuration.set("rasp.llmBaseUrl", model.url);
      editor.configuration.set("rasp.vocab", "a b c");
      editor.configuration.set("rasp.maxSeqLen", 4);
      const rasp = await activate();
      editor.answers = ["sk-test-EXTENSION-KEY"];
      await editor.api.commands.executeCommand("rasp.setLlmApiKey");
      assert.equal(editor.secrets.get("rasp.llmApiKey"), "sk-test-EXTENSION-KEY");

      editor.answers = ["Reverse the sequence.", "a b c -> c b a; b a -> a b"];
      await editor.api.commands.executeCommand("rasp.generateFromSpec");
      const draft = await waitFor("the draft to open", () =>
        editor.opened.find((o) => o.document.uri.scheme === "untitled" && o.document.languageId === "python"),
      );
      const text = draft.document.getText();
      assert.match(text, /^"""Reverse the sequence\."""/);
      assert.match(text, /VOCAB = \{'a', 'b', 'c'\}\nMAX_SEQ_LEN = 4/);
      assert.ok(editor.shown.some((s) => s.kind === "info" && s.message.startsWith("RASP: verified:")));
      assert.equal(model.requests[0].authorization, "Bearer sk-test-EXTENSION-KEY");
      assert.ok(!editor.output.join("\n").includes("sk-test-EXTENSION-KEY"));
      assert.ok(rasp.client.isRunning());
    } finally {
      model.close();
    }
  });

  it("opens the layers beside the program when a layers lens is clicked", async () => {
    const uri = write("reverse.py", REVERSE);
    const document = await editor.open(uri, REVERSE);
    const rasp = await activate();
    await rasp.ensureStarted();
    const cancel = new editor.api.CancellationTokenSource().token;
    const lens = await waitFor("a layers lens", async () => {
      const lenses = (await editor.codeLensProviders[0]?.provideCodeLenses(document, cancel)) ?? [];
      return lenses.find((l: any) => /^✓ program:/.test(l.command?.title ?? ""));
    });
    await editor.api.commands.executeCommand(lens.command.command, ...lens.command.arguments);
    assert.deepEqual(
      editor.previews.map((p) => path.basename(p.fsPath)),
      ["reverse-program.md"],
    );
    assert.deepEqual(editor.opened, [], "a document opened in the program's place");
  });

  it("offers to set the API key when Generate from Spec has no model to ask", async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    delete process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_BASE_URL;
    try {
      await activate();
      editor.choose = "Set LLM API Key";
      editor.answers = ["sk-test-NEW-KEY"];
      await editor.api.commands.executeCommand("rasp.generateFromSpec");
      const [warning] = editor.shown;
      assert.equal(warning.kind, "warning");
      assert.match(warning.message, /no language model is configured/);
      assert.doesNotMatch(warning.message, /OPENAI_API_KEY/);
      assert.deepEqual(warning.items, ["Set LLM API Key", "Open Settings"]);
      assert.equal(editor.secrets.get("rasp.llmApiKey"), "sk-test-NEW-KEY");
      assert.equal(editor.inputBoxes.length, 1, "asked for a spec it could not draft from");
    } finally {
      Object.assign(process.env, saved.key ? { OPENAI_API_KEY: saved.key } : {});
      Object.assign(process.env, saved.url ? { OPENAI_BASE_URL: saved.url } : {});
    }
  });

  it("runs no code in Restricted Mode, and checks everything once trusted", async () => {
    editor.trusted = false;
    const broken = write("broken.py", "from tracr.rasp import rasp\nprogram = (\n");
    const unsafe = write("uses_length.py", USES_LENGTH);
    await editor.open(broken, "from tracr.rasp import rasp\nprogram = (\n");
    await editor.open(unsafe, USES_LENGTH);
    const rasp = await activate();
    await rasp.ensureStarted();
    assert.deepEqual(codes(await waitFor("the syntax error", () => editor.diagnosticsFor(broken))), ["RASP101"]);
    assert.equal(editor.diagnosticsFor(unsafe), undefined);
    assert.equal(editor.statusBar.text, "$(shield) RASP · from EXAMPLES");

    editor.answers = ["a b"];
    await editor.api.commands.executeCommand("rasp.runOnInput");
    assert.deepEqual(editor.inputBoxes, [], "asked for tokens it could not run");
    assert.ok(editor.shown.some((s) => s.kind === "error" && /no code runs in Restricted Mode/.test(s.message)));

    editor.grantTrust();
    const found = await waitFor("diagnostics once trusted", () => editor.diagnosticsFor(unsafe));
    assert.ok(codes(found).includes("RASP304"));
    assert.equal(editor.statusBar.text, "$(check) RASP · from EXAMPLES");
  });

  it("shows the install command for an interpreter without rasp-studio, and starts nothing", async () => {
    const bare = path.join(folder, "venv");
    execFileSync("python3", ["-m", "venv", "--without-pip", bare]);
    const python = path.join(bare, "bin", "python");
    editor.configuration.set("rasp.interpreter", python);
    await editor.open(write("uses_length.py", USES_LENGTH), USES_LENGTH);
    const rasp = await activate();
    assert.equal(await rasp.ensureStarted(), undefined);
    const [error] = editor.shown.filter((s) => s.kind === "error");
    assert.equal(
      error.message,
      `rasp-studio is not installed in ${python} (from rasp.interpreter). Install it with: ` +
        `${python} -m pip install "rasp-studio @ git+https://github.com/rasp-studio/rasp-studio"`,
    );
    assert.equal(rasp.client, undefined);
    assert.match(editor.statusBar.text, /^\$\(error\) RASP/);

    // Pointing the setting at a good interpreter restarts without a reload.
    editor.changeConfiguration("rasp.interpreter", REPO_PYTHON);
    await waitFor("a running client", () => (rasp.client?.isRunning() ? true : undefined));
  });

  it("uses the Python extension's environment, and follows it when it changes", async () => {
    editor.configuration.delete("rasp.interpreter");
    const changed = new editor.api.EventEmitter();
    editor.extensions.set("ms-python.python", {
      isActive: true,
      exports: {
        environments: {
          getActiveEnvironmentPath: () => ({ path: REPO_PYTHON }),
          onDidChangeActiveEnvironmentPath: changed.event,
        },
      },
    });
    await editor.open(write("uses_length.py", USES_LENGTH), USES_LENGTH);
    const rasp = await activate();
    const first = await rasp.ensureStarted();
    assert.ok(first);
    const found = editor.output.find((line) => line.startsWith("rasp-studio "));
    assert.equal(found?.endsWith(` in ${REPO_PYTHON} (from python-extension)`), true, found);
    changed.fire({ path: REPO_PYTHON });
    await waitFor("a restarted client", () => (rasp.client && rasp.client !== first && rasp.client.isRunning() ? true : undefined));
  });

  it("does not start for Python files that do not use tracr", async () => {
    await editor.open(write("plain.py", "print('hello')\n"), "print('hello')\n");
    const rasp = await activate();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(rasp.state, "stopped");
    assert.equal(rasp.client, undefined);
  });
});

async function pollHover(hover: () => Promise<any>): Promise<string> {
  const deadline = Date.now() + SETTLE;
  for (;;) {
    const found = await hover();
    if (found?.contents?.value) {
      return found.contents.value;
    }
    if (Date.now() > deadline) {
      throw new Error("no hover");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A chat-completions endpoint that always answers with `source` in a python block. */
async function chatServer(source: string) {
  const requests: { authorization?: string; body: any }[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      const parsed = JSON.parse(body);
      requests.push({ authorization: request.headers.authorization, body: parsed });
      const content = "```python\n" + source + "\n```";
      const choices = Array.from({ length: parsed.n ?? 1 }, (_, index) => ({
        index,
        message: { role: "assistant", content },
        finish_reason: "stop",
      }));
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({
          id: "chatcmpl-test",
          object: "chat.completion",
          created: 0,
          model: parsed.model,
          choices,
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1`, requests, close: () => server.close() };
}
