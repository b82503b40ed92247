import * as assert from "node:assert/strict";

import { serverExecutable } from "../src/serverCommand";

describe("server command line", () => {
  it("runs `python -P -m raspstudio serve` (workspace off sys.path) with the inherited environment", () => {
    const executable = serverExecutable("/venv/bin/python", { PATH: "/usr/bin", HOME: "/home/u" });
    assert.equal(executable.command, "/venv/bin/python");
    assert.deepEqual(executable.args, ["-P", "-m", "raspstudio", "serve"]);
    assert.equal(executable.options.env.PATH, "/usr/bin");
    assert.equal(executable.options.env.PYTHONUNBUFFERED, "1");
    assert.equal("OPENAI_API_KEY" in executable.options.env, false);
  });

  it("passes a stored API key in the environment, over an inherited one", () => {
    const env = { OPENAI_API_KEY: "sk-from-shell" };
    assert.equal(serverExecutable("python3", env, "sk-stored").options.env.OPENAI_API_KEY, "sk-stored");
    assert.equal(serverExecutable("python3", env).options.env.OPENAI_API_KEY, "sk-from-shell");
    assert.equal(env.OPENAI_API_KEY, "sk-from-shell"); // the extension's own environment is untouched
  });

  it("never puts the key on the command line", () => {
    const executable = serverExecutable("python3", {}, "sk-secret");
    assert.equal([executable.command, ...executable.args].join(" ").includes("sk-secret"), false);
  });
});
