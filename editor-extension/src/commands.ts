/**
 * The palette commands. Each calls one of the server's `rasp.server.*` commands
 * (docs/editors.md lists them):
 * vscode-languageclient registers the server's own ids, so ours are different ones.
 */
import * as path from "node:path";

import * as vscode from "vscode";

import { API_KEY_SECRET, currentSettings, type RaspClient } from "./client";
import { COMMANDS, SERVER_SHOW_LAYERS } from "./commandIds";
import { parseExamples, parseTokens } from "./examples";

export function registerCommands(context: vscode.ExtensionContext, rasp: RaspClient): void {
  const handlers: Record<string, (...args: any[]) => Promise<unknown>> = {
    [COMMANDS.generateFromSpec]: () => generateFromSpec(rasp),
    // From the palette with no arguments; from a layers code lens with its `[uri, program]`.
    [COMMANDS.showLayers]: (uri?: string, program?: string) => showLayers(context, rasp, uri, program),
    [COMMANDS.runOnInput]: () => runOnInput(rasp),
    [COMMANDS.setExample]: () => setExample(rasp),
    [COMMANDS.restartServer]: () => rasp.restart(),
    [COMMANDS.setLlmApiKey]: () => setLlmApiKey(context, rasp),
  };
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args) => reportErrors(() => handler(...args))));
  }
}

async function reportErrors(handler: () => Promise<unknown>): Promise<unknown> {
  try {
    return await handler();
  } catch (e) {
    // The server already showed its own message for a failed command (window/showMessage).
    if (!(e instanceof Error && "code" in e)) {
      void vscode.window.showErrorMessage(`RASP Studio: ${(e as Error).message}`);
    }
    return undefined;
  }
}

function raspDocument(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document === undefined || document.languageId !== "python") {
    void vscode.window.showWarningMessage("RASP Studio: open a RASP program (a Python file) first.");
    return undefined;
  }
  return document;
}

async function showLayers(
  context: vscode.ExtensionContext,
  rasp: RaspClient,
  uri?: string,
  program?: string,
): Promise<unknown> {
  const document = uri === undefined ? raspDocument()?.uri : vscode.Uri.parse(uri);
  if (document === undefined) {
    return undefined;
  }
  // open=false: the server leaves the report to us, and we open it beside the editor.
  const result = await rasp.command(SERVER_SHOW_LAYERS, [document.toString(), program ?? null, false]);
  if (result === undefined) {
    return undefined;
  }
  // A file in the extension's storage, not an untitled document: closing it asks nothing.
  const folder = vscode.Uri.joinPath(context.globalStorageUri, "layers");
  await vscode.workspace.fs.createDirectory(folder);
  const name = `${path.basename(document.path, ".py")}-${result.program}.md`;
  const report = vscode.Uri.joinPath(folder, name);
  await vscode.workspace.fs.writeFile(report, Buffer.from(result.markdown, "utf-8"));
  try {
    await vscode.commands.executeCommand("markdown.showPreviewToSide", report);
  } catch {
    const opened = await vscode.workspace.openTextDocument(report); // no Markdown extension
    await vscode.window.showTextDocument(opened, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  }
  return { ...result, report: report.toString() };
}

/** Tokens typed by the user, starting from `value`; undefined when dismissed. */
function askTokens(title: string, prompt: string, value?: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title,
    prompt: `${prompt} (numbers are numbers)`,
    value,
    validateInput: (text) => (parseTokens(text).length === 0 ? "Type at least one token" : undefined),
  });
}

async function runOnInput(rasp: RaspClient): Promise<unknown> {
  const document = raspDocument();
  if (document === undefined) {
    return undefined;
  }
  if (!vscode.workspace.isTrusted) {
    // Refuse before asking for tokens that could never be used.
    void vscode.window.showErrorMessage(
      "RASP Studio: Run on Input runs the program, and no code runs in Restricted Mode: trust the workspace first.",
    );
    return undefined;
  }
  // The input hovers show values on (the file's first EXAMPLES, unless one was set).
  const shown = await rasp.command("rasp.server.runningExample", [document.uri.toString()]);
  const value = shown?.example?.map(String).join(" ") ?? rasp.example?.join(" ");
  const input = await askTokens("RASP: Run on Input", "Input tokens, separated by spaces", value);
  if (input === undefined) {
    return undefined;
  }
  const result = await rasp.command("rasp.server.runOnInput", [document.uri.toString(), input]);
  if (result !== undefined) {
    const shown = (values: unknown[] | null, error: string | null) =>
      values ? values.map(String).join(" ") : (error ?? "—");
    const verdict = result.agree ? "agree" : "DISAGREE";
    void vscode.window.showInformationMessage(
      `${result.program} on ${input}: interpreter ${shown(result.interpreter, result.interpreter_error)} · ` +
        `compiled ${shown(result.compiled, result.compile_error)} · ${verdict}`,
    );
  }
  return result;
}

async function setExample(rasp: RaspClient): Promise<unknown> {
  const input = await askTokens(
    "RASP: Set Running Example",
    "Tokens whose values hovers, inlay hints and lenses show, in every RASP file",
    rasp.example?.join(" "),
  );
  if (input === undefined) {
    return undefined;
  }
  const result = await rasp.command("rasp.server.setExample", [input]);
  if (result !== undefined) {
    rasp.setExample(parseTokens(input));
  }
  return result;
}

async function generateFromSpec(rasp: RaspClient): Promise<unknown> {
  if (!(await llmConfigured(rasp))) {
    const choice = await vscode.window.showWarningMessage(
      "RASP: no language model is configured. Set an API key (OpenAI), or the rasp.llmBaseUrl " +
        "setting for an OpenAI-compatible server (vLLM, llama.cpp, Ollama…).",
      SET_KEY,
      OPEN_SETTINGS,
    );
    if (choice === SET_KEY) {
      await vscode.commands.executeCommand(COMMANDS.setLlmApiKey);
    } else if (choice === OPEN_SETTINGS) {
      await vscode.commands.executeCommand("workbench.action.openSettings", "rasp.llm");
    }
    return undefined;
  }
  const spec = await vscode.window.showInputBox({
    title: "RASP: Generate Program from Spec (1/2)",
    prompt: "What should the program compute?",
    placeHolder: "Reverse the sequence.",
    validateInput: (text) => (text.trim() ? undefined : "Describe the program"),
  });
  if (spec === undefined) {
    return undefined;
  }
  const examplesText = await vscode.window.showInputBox({
    title: "RASP: Generate Program from Spec (2/2)",
    prompt: "Examples, separated by ';' (optional)",
    placeHolder: "1 2 3 -> 3 2 1; 4 5 -> 5 4",
    validateInput: (text) => parseExamples(text).error,
  });
  if (examplesText === undefined) {
    return undefined;
  }
  const settings = currentSettings();
  const request = {
    spec,
    examples: parseExamples(examplesText).examples,
    vocab: settings.vocab,
    maxSeqLen: settings.maxSeqLen,
    open: false, // we open it as an untitled document, which the user saves where they like
  };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "RASP: drafting from spec", cancellable: true },
    (_progress, token) => rasp.command("rasp.server.generateFromSpec", [request], token),
  );
  if (result === undefined) {
    return undefined;
  }
  // open=false: the server showed nothing, so the outcome is reported here, once.
  if (result.source) {
    await openUntitled(result.source);
  }
  if (result.status === "verified") {
    void vscode.window.showInformationMessage(`RASP: ${result.message}`);
  } else if (result.closest_source) {
    const choice = await vscode.window.showWarningMessage(`RASP: ${result.message}`, "Open Closest Program");
    if (choice) {
      await openUntitled(result.closest_source);
    }
  } else {
    void vscode.window.showWarningMessage(`RASP: ${result.message}`);
  }
  return result;
}

const SET_KEY = "Set LLM API Key";
const OPEN_SETTINGS = "Open Settings";

/** Whether the server will find an endpoint: a stored key, or what its environment or the
 * settings give it (the server gets this process's environment, serverCommand.ts). */
async function llmConfigured(rasp: RaspClient): Promise<boolean> {
  const { llmBaseUrl } = currentSettings();
  const env = process.env;
  return Boolean(llmBaseUrl || env.OPENAI_BASE_URL || env.OPENAI_API_KEY || (await rasp.apiKey()));
}

async function openUntitled(source: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: "python", content: source });
  await vscode.window.showTextDocument(document);
}

async function setLlmApiKey(context: vscode.ExtensionContext, rasp: RaspClient): Promise<unknown> {
  const key = await vscode.window.showInputBox({
    title: "RASP: Set LLM API Key",
    prompt: "Kept in VS Code's secret storage and passed to the server's environment; empty clears it",
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) {
    return undefined;
  }
  if (key.trim()) {
    await context.secrets.store(API_KEY_SECRET, key.trim());
  } else {
    await context.secrets.delete(API_KEY_SECRET);
  }
  return rasp.client === undefined ? undefined : rasp.restart(); // the key travels at start
}
