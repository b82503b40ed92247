import * as assert from "node:assert/strict";

import { needsRestart, serverSettings } from "../src/settings";

describe("settings translation", () => {
  it("mirrors the set values and leaves out unset or emptied ones", () => {
    const settings = serverSettings(
      {
        interpreter: "/venv/bin/python",
        vocab: "a b c",
        maxSeqLen: 6,
        maxInputs: null,
        timeout: 20,
        llmBaseUrl: "",
        llmModel: "qwen2.5-coder",
      },
      true,
    );
    assert.deepEqual(settings, {
      execute: true,
      vocab: "a b c",
      maxSeqLen: 6,
      timeout: 20,
      llmModel: "qwen2.5-coder",
    });
  });

  it("follows Workspace Trust: untrusted means execute false", () => {
    assert.deepEqual(serverSettings({}, false), { execute: false });
  });

  it("keeps list vocabularies as lists and never sends the interpreter", () => {
    const settings = serverSettings({ vocab: ["a", 1], interpreter: "/x" }, true);
    assert.deepEqual(settings.vocab, ["a", 1]);
    assert.equal("interpreter" in settings, false);
    assert.deepEqual(serverSettings({ vocab: [] }, true), { execute: true });
  });

  it("restarts the server only when the interpreter changes", () => {
    assert.equal(needsRestart((s) => s === "rasp.interpreter"), true);
    assert.equal(needsRestart((s) => s === "rasp.vocab"), false);
  });
});
