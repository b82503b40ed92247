/**
 * RASP Studio for VS Code: starts `rasp serve` (the rasp-studio language server) for Python
 * files that import tracr, and adds the palette commands. Everything the server offers —
 * diagnostics, hovers, code lenses, inlay hints, quick fixes, completion — comes through
 * vscode-languageclient.
 */
import * as vscode from "vscode";

import { followPythonEnvironment, RaspClient } from "./client";
import { registerCommands } from "./commands";
import { importsTracr } from "./documents";

let current: RaspClient | undefined;

export function activate(context: vscode.ExtensionContext): RaspClient {
  const output = vscode.window.createOutputChannel("RASP Studio");
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  const rasp = new RaspClient(context, output, status);
  current = rasp;
  registerCommands(context, rasp);

  const startFor = (document: vscode.TextDocument) => {
    if (document.languageId === "python" && importsTracr(document.getText())) {
      void rasp.ensureStarted();
    }
  };
  context.subscriptions.push(
    output,
    status,
    vscode.workspace.onDidOpenTextDocument(startFor),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration("rasp")) {
        return;
      }
      void rasp.configurationChanged((section) => event.affectsConfiguration(section));
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void rasp.pushSettings()),
  );
  vscode.workspace.textDocuments.forEach(startFor);
  void followPythonEnvironment(rasp).then((watch) => watch && context.subscriptions.push(watch));
  return rasp;
}

export async function deactivate(): Promise<void> {
  await current?.stop();
  current = undefined;
}
