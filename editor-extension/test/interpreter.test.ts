import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import {
  candidates,
  discover,
  installCommand,
  notInstalledMessage,
  probe,
  pythonExtensionInterpreter,
} from "../src/interpreter";
import { REPO_PYTHON } from "./paths";

describe("interpreter discovery", () => {
  it("uses the rasp.interpreter setting alone when it is set", () => {
    assert.deepEqual(candidates(" /opt/py/bin/python ", "/env/bin/python", "linux"), [
      { python: "/opt/py/bin/python", source: "setting" },
    ]);
  });

  it("tries the Python extension's environment, then python3 on PATH", () => {
    assert.deepEqual(candidates("", "/env/bin/python", "linux"), [
      { python: "/env/bin/python", source: "python-extension" },
      { python: "python3", source: "path" },
    ]);
    assert.deepEqual(candidates(undefined, undefined, "win32"), [{ python: "python", source: "path" }]);
  });

  it("reads both generations of the Python extension's API", () => {
    const modern = { environments: { getActiveEnvironmentPath: () => ({ path: "/venv/bin/python" }) } };
    const legacy = { settings: { getExecutionDetails: () => ({ execCommand: ["/old/bin/python"] }) } };
    assert.equal(pythonExtensionInterpreter(modern), "/venv/bin/python");
    assert.equal(pythonExtensionInterpreter(legacy), "/old/bin/python");
    assert.equal(pythonExtensionInterpreter(undefined), undefined);
    assert.equal(pythonExtensionInterpreter({ environments: {} }), undefined);
  });

  it("picks the first candidate that has rasp-studio, else reports the first", async () => {
    const installed = new Set(["/b"]);
    const check = async (python: string) =>
      installed.has(python) ? { installed: true, detail: "0.1.0" } : { installed: false, detail: "No module named 'raspstudio'" };
    const found = await discover(
      [
        { python: "/a", source: "python-extension" },
        { python: "/b", source: "path" },
      ],
      check,
    );
    assert.deepEqual(found, { python: "/b", source: "path", installed: true, detail: "0.1.0" });
    const none = await discover([{ python: "/a", source: "setting" }], check);
    assert.equal(none.installed, false);
    assert.equal(none.python, "/a");
  });

  it("finds rasp-studio in the repository's virtualenv (a real probe)", async () => {
    const result = await probe(REPO_PYTHON);
    assert.equal(result.installed, true, result.detail);
    assert.match(result.detail, /^\d+\.\d+\.\d+$/);
  });

  it("says exactly how to install rasp-studio into an interpreter that lacks it (a real probe)", async () => {
    const bare = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rasp-bare-")), "venv");
    execFileSync("python3", ["-m", "venv", "--without-pip", bare]);
    const python = path.join(bare, "bin", "python");
    const found = await discover([{ python, source: "setting" }]);
    assert.equal(found.installed, false);
    const message = notInstalledMessage(found);
    assert.ok(message.startsWith(`rasp-studio is not installed in ${python} (from rasp.interpreter)`), message);
    assert.ok(message.endsWith(`Install it with: ${installCommand(python)}`), message);
  });

  it("reports an interpreter that does not exist", async () => {
    const found = await discover([{ python: "/no/such/python", source: "setting" }]);
    assert.equal(found.installed, false);
    assert.match(notInstalledMessage(found), /^cannot run rasp-studio with \/no\/such\/python .*ENOENT/);
  });

  it("quotes interpreter paths with spaces in the install command", () => {
    assert.equal(
      installCommand("/Users/a b/venv/bin/python"),
      '"/Users/a b/venv/bin/python" -m pip install "rasp-studio @ git+https://github.com/rasp-studio/rasp-studio"',
    );
    assert.equal(installCommand("python3"), 'python3 -m pip install "rasp-studio @ git+https://github.com/rasp-studio/rasp-studio"');
  });
});
