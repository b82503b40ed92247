/**
 * The client's life against the real server, in the races users meet: trust granted, a
 * restart, an interpreter change or a stop while the server is still starting. Whatever the
 * order, exactly one server runs afterwards (or none, after a stop), and commands work.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { codes, extension, useEditor, waitFor } from "./bundle";
import { type FakeEditor, Uri } from "./fakeVscode";
import { EXTENSION, REPO_PYTHON, ROOT } from "./paths";

const REVERSE = fs.readFileSync(path.join(ROOT, "programs", "positional", "reverse.py"), "utf-8");
const USES_LENGTH = `from tracr.rasp import rasp

VOCAB = {"a", "b"}
MAX_SEQ_LEN = 3

program = rasp.Map(lambda n: n, rasp.length).named("copy")
`;

let editor: FakeEditor;
let folder: string;

async function open(name: string, text: string): Promise<Uri> {
  const uri = Uri.file(path.join(folder, name));
  fs.writeFileSync(uri.fsPath, text);
  await editor.open(uri, text);
  return uri;
}

/** `rasp serve` processes this test process started and that still run. */
function servers(): number[] {
  try {
    const listed = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf-8" });
    return listed
      .split("\n")
      .filter((line) => line.includes("raspstudio serve"))
      .map((line) => Number.parseInt(line.trim(), 10));
  } catch {
    return []; // ps exits 1 when there are none
  }
}

function starts(): string[] {
  return editor.output.filter((line) => line.startsWith("rasp-studio "));
}

/** Activate, and return once the client is being made (the interpreter was found). */
async function activateUntilStarting(): Promise<any> {
  const rasp = extension.activate(editor.context(EXTENSION));
  await waitFor("the client to be starting", () => (starts().length > 0 ? true : undefined));
  assert.equal(rasp.client, undefined, "the server was already running: no race was driven");
  return rasp;
}

/** Exactly one server runs, with no error shown, and a palette command works through it. */
async function assertOneWorkingClient(rasp: any): Promise<void> {
  const client = await waitFor("a running client", () => (rasp.client?.isRunning() ? rasp.client : undefined));
  await waitFor("exactly one server", () => (servers().length === 1 ? true : undefined), 20_000);
  assert.deepEqual(servers(), [client._serverProcess.pid]);
  assert.deepEqual(editor.shown.filter((s) => s.kind === "error"), []);
  await editor.api.commands.executeCommand("rasp.showLayers");
  assert.equal(editor.previews.length, 1, JSON.stringify(editor.shown));
  assert.match(fs.readFileSync(editor.previews[0].fsPath, "utf-8"), /^# `program`: 3 layers/);
}

describe("the client's life in a stand-in VS Code", function () {
  this.timeout(180_000);

  beforeEach(() => {
    editor = useEditor();
    editor.configuration.set("rasp.interpreter", REPO_PYTHON);
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "rasp-life-"));
  });

  afterEach(async () => {
    await extension.deactivate();
    await waitFor("every server to exit", () => (servers().length === 0 ? true : undefined), 20_000);
  });

  it("shows that the server is starting until it is ready", async () => {
    await open("reverse.py", REVERSE);
    const rasp = extension.activate(editor.context(EXTENSION));
    const starting = "$(sync~spin) RASP: starting…";
    await waitFor("the starting status", () => (editor.statusBar.text === starting ? true : undefined));
    const [progress] = editor.progress;
    assert.equal(progress?.options.location, editor.api.ProgressLocation.Window);
    assert.match(progress.options.title, /starting/);
    assert.equal(progress.done, false);

    await rasp.ensureStarted();
    await waitFor("the progress to end", () => (progress.done ? true : undefined));
    assert.equal(editor.statusBar.text, "$(check) RASP · from EXAMPLES");
  });

  it("keeps one server when trust is granted while it starts, and turns checking on", async () => {
    editor.trusted = false;
    const unsafe = await open("uses_length.py", USES_LENGTH);
    await open("reverse.py", REVERSE);
    const rasp = await activateUntilStarting();
    // As VS Code does: trust, and its restricted settings reported as changed.
    editor.grantTrust();
    editor.changeConfiguration("rasp.interpreter", REPO_PYTHON);
    await rasp.ensureStarted();

    await assertOneWorkingClient(rasp);
    assert.equal(starts().length, 1, "trust restarted the server");
    const found = await waitFor("diagnostics once trusted", () => editor.diagnosticsFor(unsafe));
    assert.ok(codes(found).includes("RASP304"));
    assert.equal(editor.statusBar.text, "$(check) RASP · from EXAMPLES");
  });

  it("keeps one server when Restart Server is run while it starts", async () => {
    await open("reverse.py", REVERSE);
    const rasp = await activateUntilStarting();
    await editor.api.commands.executeCommand("rasp.restartServer");
    await assertOneWorkingClient(rasp);
    assert.equal(starts().length, 2);
  });

  it("ends with one server on the new interpreter when it changes while the server starts", async () => {
    editor.configuration.delete("rasp.interpreter");
    // The same virtualenv under another name, so the log shows which one a start used.
    const other = `${REPO_PYTHON}3`;
    assert.ok(fs.existsSync(other), other);
    let active = REPO_PYTHON;
    const changed = new editor.api.EventEmitter();
    editor.extensions.set("ms-python.python", {
      isActive: true,
      exports: {
        environments: {
          getActiveEnvironmentPath: () => ({ path: active }),
          onDidChangeActiveEnvironmentPath: changed.event,
        },
      },
    });
    await open("reverse.py", REVERSE);
    const rasp = await activateUntilStarting();
    active = other;
    changed.fire({ path: other });
    await rasp.ensureStarted();

    await assertOneWorkingClient(rasp);
    const last = starts()[starts().length - 1];
    assert.ok(last.endsWith(` in ${other} (from python-extension)`), starts().join("\n"));
  });

  it("closes the notice that the server crashed for good once Restart Server brings it back", async () => {
    await open("reverse.py", REVERSE);
    const rasp = extension.activate(editor.context(EXTENSION));
    const client = await rasp.ensureStarted();
    let killed: number | undefined;
    for (let crash = 1; crash <= 5; crash++) {
      // vscode-languageclient restarts a crashed server 4 times in 3 minutes, not a 5th.
      const pid = await waitFor(`server ${crash}`, () => {
        const running = client.isRunning() ? client._serverProcess?.pid : undefined;
        return running !== killed ? running : undefined;
      });
      process.kill(pid, "SIGKILL");
      killed = pid;
    }
    const notice = await waitFor("the notice", () =>
      editor.progress.find((p) => /crashed 5 times/.test(p.options.title)),
    );
    assert.equal(notice.options.location, editor.api.ProgressLocation.Notification);
    assert.deepEqual(editor.shown.filter((s) => /crashed/.test(s.message)), [], "a toast that cannot be closed");

    await editor.api.commands.executeCommand("rasp.restartServer");
    await waitFor("the notice to close", () => (notice.done ? true : undefined));
    await assertOneWorkingClient(rasp);
  });

  it("stops a server that is still starting", async () => {
    await open("reverse.py", REVERSE);
    const rasp = await activateUntilStarting();
    await extension.deactivate();
    assert.equal(rasp.state, "stopped");
    await waitFor("no server to run", () => (servers().length === 0 ? true : undefined), 20_000);
    assert.equal(rasp.client, undefined);
  });
});
