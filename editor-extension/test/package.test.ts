/** `vsce package` offline: the .vsix holds the bundle and a manifest with our commands and settings. */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { EXTENSION } from "./paths";

const READ_ZIP = `
import json, sys, zipfile
archive = zipfile.ZipFile(sys.argv[1])
print(json.dumps({"files": archive.namelist(), "manifest": json.loads(archive.read("extension/package.json"))}))
`;

describe("packaging", function () {
  this.timeout(120_000);

  it("builds a .vsix whose manifest lists the commands and settings", () => {
    const vsix = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rasp-vsix-")), "rasp-studio.vsix");
    const vsce = path.join(EXTENSION, "node_modules", ".bin", "vsce");
    execFileSync(vsce, ["package", "--no-dependencies", "--out", vsix], { cwd: EXTENSION, stdio: "pipe" });
    const { files, manifest } = JSON.parse(execFileSync("python3", ["-c", READ_ZIP, vsix], { encoding: "utf-8" }));

    const commands = manifest.contributes.commands.map((c: any) => `${c.category}: ${c.title} (${c.command})`);
    assert.deepEqual(commands, [
      "RASP: Generate Program from Spec (rasp.generateFromSpec)",
      "RASP: Show Compiled Layers (rasp.showLayers)",
      "RASP: Run on Input (rasp.runOnInput)",
      "RASP: Set Running Example (rasp.setExample)",
      "RASP: Restart Server (rasp.restartServer)",
      "RASP: Set LLM API Key (rasp.setLlmApiKey)",
    ]);
    assert.deepEqual(Object.keys(manifest.contributes.configuration.properties), [
      "rasp.interpreter",
      "rasp.vocab",
      "rasp.maxSeqLen",
      "rasp.maxInputs",
      "rasp.timeout",
      "rasp.llmBaseUrl",
      "rasp.llmModel",
      "rasp.trace.server",
    ]);
    // Every setting is editable in the Settings UI: one type (nullable numbers VS Code edits too).
    const types = Object.fromEntries(
      Object.entries(manifest.contributes.configuration.properties).map(([k, v]: [string, any]) => [k, v.type]),
    );
    assert.deepEqual(types, {
      "rasp.interpreter": "string",
      "rasp.vocab": "string",
      "rasp.maxSeqLen": ["integer", "null"],
      "rasp.maxInputs": ["integer", "null"],
      "rasp.timeout": ["number", "null"],
      "rasp.llmBaseUrl": "string",
      "rasp.llmModel": "string",
      "rasp.trace.server": "string",
    });
    // vscode-languageclient reads `<client id>.trace.server`: our client's id is "rasp".
    assert.deepEqual(manifest.contributes.configuration.properties["rasp.trace.server"].enum, [
      "off",
      "messages",
      "verbose",
    ]);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, "limited");
    // Settings a cloned repository must not choose: which Python runs, where prompts go.
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, [
      "rasp.interpreter",
      "rasp.llmBaseUrl",
    ]);
    assert.deepEqual(manifest.activationEvents, ["onLanguage:python"]);
    assert.equal(manifest.main, "./dist/extension.js");

    assert.ok(files.includes("extension/dist/extension.js"));
    assert.ok(files.includes("extension/readme.md") && files.includes("extension/LICENSE.txt"), files.join(" "));
    assert.deepEqual(files.filter((f: string) => /node_modules|\/src\/|\/test\/|\.map$/.test(f)), []);
  });

  it("never lists an API key among the settings", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(EXTENSION, "package.json"), "utf-8"));
    const keys = Object.keys(manifest.contributes.configuration.properties);
    assert.deepEqual(keys.filter((k) => /key|secret|token/i.test(k)), []);
  });
});
