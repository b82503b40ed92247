/**
 * The bundled extension (dist/extension.js), loaded once for every test file, with its
 * `require("vscode")` answered by whichever stand-in editor (fakeVscode.ts) the running test made.
 */
import * as path from "node:path";

import { FakeEditor } from "./fakeVscode";
import { EXTENSION } from "./paths";

let editor = new FakeEditor(); // replaced by each test (useEditor); this one serves the import

// esbuild copies the module's own keys into its import: list them, read them late.
const vscodeModule = new Proxy({ __esModule: true } as any, {
  get: (target, property) => (property in target ? target[property] : editor.api[property]),
  ownKeys: (target) => [...Reflect.ownKeys(target), ...Reflect.ownKeys(editor.api)],
  getOwnPropertyDescriptor: (target, property) =>
    Reflect.getOwnPropertyDescriptor(target, property) ?? { configurable: true, enumerable: true },
});
const Module = require("node:module");
const load = Module._load;
Module._load = function (request: string, ...rest: unknown[]) {
  return request === "vscode" ? vscodeModule : load.call(this, request, ...rest);
};

export const extension = require(path.join(EXTENSION, "dist", "extension.js"));

/** A fresh stand-in editor for the next activation. */
export function useEditor(): FakeEditor {
  editor = new FakeEditor();
  return editor;
}

export const SETTLE = 60_000;

export async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeout = SETTLE,
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = await check();
    if (found !== undefined) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function codes(diagnostics: any[]): string[] {
  return diagnostics.map((d) => (typeof d.code === "object" ? d.code.value : d.code));
}
