import * as assert from "node:assert/strict";

import { importsTracr } from "../src/documents";
import { parseExamples, parseTokens } from "../src/examples";
import { statusText } from "../src/status";

describe("input parsing", () => {
  it("splits tokens on whitespace", () => {
    assert.deepEqual(parseTokens("  a b\t1  "), ["a", "b", "1"]);
    assert.deepEqual(parseTokens("   "), []);
  });

  it("reads examples separated by ';' or new lines", () => {
    assert.deepEqual(parseExamples("1 2 3 -> 3 2 1; a b -> b a\nx -> y"), {
      examples: ["1 2 3 -> 3 2 1", "a b -> b a", "x -> y"],
    });
    assert.deepEqual(parseExamples(""), { examples: [] });
  });

  it("explains a malformed example", () => {
    assert.match(parseExamples("1 2 3").error ?? "", /should look like 1 2 3 -> 3 2 1/);
    assert.match(parseExamples("1 2 -> 1").error ?? "", /one output per input token \(2 in, 1 out\)/);
    assert.match(parseExamples(" -> ").error ?? "", /0 in, 0 out/);
  });
});

describe("RASP documents", () => {
  it("recognises the ways a file imports tracr", () => {
    assert.equal(importsTracr("from tracr.rasp import rasp\n"), true);
    assert.equal(importsTracr('"""Doc."""\n\nfrom tracr.compiler import lib\n'), true);
    assert.equal(importsTracr("import tracr\n"), true);
    assert.equal(importsTracr("from tracr import rasp\n"), true);
  });

  it("ignores files that only mention it", () => {
    assert.equal(importsTracr("import numpy\n# from tracr.rasp import rasp? not here\n"), false);
    assert.equal(importsTracr('print("import tracr")\n'), false);
    assert.equal(importsTracr("import tracrx\n"), false);
  });
});

describe("status bar", () => {
  it("shows the state and the running example", () => {
    assert.deepEqual(statusText("ready", ["a", "b"], "/venv/bin/python"), {
      text: "$(check) RASP · a b",
      tooltip:
        "RASP Studio: checking programs as you type\nRunning example: a b (RASP: Set Running Example)\nInterpreter: /venv/bin/python",
    });
    assert.equal(statusText("restricted").text, "$(shield) RASP · from EXAMPLES");
    assert.match(statusText("not-installed").tooltip, /not installed/);
  });
});
