/**
 * The language client's life: find the interpreter, start `rasp serve` over stdio, keep the
 * server's settings and the status bar in step with VS Code, restart on demand.
 */
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  State,
} from "vscode-languageclient/node";

import {
  candidates,
  discover,
  installCommand,
  notInstalledMessage,
  pythonExtensionInterpreter,
} from "./interpreter";
import { serverExecutable } from "./serverCommand";
import { type RaspConfiguration, serverSettings, type ServerSettings } from "./settings";
import { type ServerState, statusText } from "./status";

export const API_KEY_SECRET = "rasp.llmApiKey";
const PYTHON_EXTENSION = "ms-python.python";

export class RaspClient {
  client: LanguageClient | undefined;
  state: ServerState = "stopped";
  example: string[] | undefined;
  private python: string | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    private readonly status: vscode.StatusBarItem,
  ) {
    this.show("stopped");
  }

  /** The running client, started on first use; undefined when the server cannot start. */
  ensureStarted(): Promise<LanguageClient | undefined> {
    this.starting ??= this.start().then((client) => {
      if (client === undefined) {
        this.starting = undefined; // the next command tries again (after an install, say)
      }
      return client;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    if (client !== undefined) {
      await client.stop();
    }
    this.show("stopped");
  }

  async restart(): Promise<LanguageClient | undefined> {
    await this.stop();
    return this.ensureStarted();
  }

  /** Settings changed, or the workspace became trusted: the server re-checks everything. */
  async pushSettings(): Promise<void> {
    if (this.client === undefined) {
      return;
    }
    const settings = { rasp: currentSettings() };
    await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings });
    this.show(settings.rasp.execute ? "ready" : "restricted");
  }

  /** Run one of the server's `rasp.server.*` commands (starting the server if needed). */
  async command(id: string, args: unknown[], token?: vscode.CancellationToken): Promise<any> {
    const client = await this.ensureStarted();
    if (client === undefined) {
      return undefined;
    }
    return client.sendRequest(ExecuteCommandRequest.type, { command: id, arguments: args }, token);
  }

  setExample(tokens: string[]): void {
    this.example = tokens;
    this.show(this.state);
  }

  private async start(): Promise<LanguageClient | undefined> {
    this.show("starting");
    const setting = vscode.workspace.getConfiguration("rasp").get<string>("interpreter");
    const found = await discover(candidates(setting, await activePythonEnvironment()));
    this.python = found.python;
    if (!found.installed) {
      this.reportNotInstalled(notInstalledMessage(found), found.python);
      return undefined;
    }
    this.output.appendLine(`rasp-studio ${found.detail} in ${found.python} (from ${found.source})`);
    const apiKey = await this.context.secrets.get(API_KEY_SECRET);
    const client = new LanguageClient(
      "rasp",
      "RASP Studio",
      serverExecutable(found.python, process.env, apiKey),
      clientOptions(this.output),
    );
    client.onDidChangeState(({ newState }) => {
      const running = currentSettings().execute ? "ready" : "restricted";
      this.show(newState === State.Running ? running : newState === State.Starting ? "starting" : "stopped");
    });
    try {
      await client.start();
    } catch (e) {
      const message = `RASP Studio: the language server did not start: ${(e as Error).message}`;
      this.output.appendLine(message);
      void vscode.window.showErrorMessage(message);
      this.show("stopped");
      return undefined;
    }
    this.client = client;
    if (this.example !== undefined) {
      // A new server starts from each file's EXAMPLES: give it back the user's example.
      const args = { command: "rasp.server.setExample", arguments: [this.example.join(" ")] };
      await client.sendRequest(ExecuteCommandRequest.type, args);
    }
    return client;
  }

  private reportNotInstalled(message: string, python: string): void {
    this.show("not-installed");
    this.output.appendLine(message);
    void vscode.window
      .showErrorMessage(message, "Copy Install Command")
      .then((choice) => choice && vscode.env.clipboard.writeText(installCommand(python)));
  }

  private show(state: ServerState): void {
    this.state = state;
    const { text, tooltip } = statusText(state, this.example, this.python);
    this.status.text = text;
    this.status.tooltip = tooltip;
    this.status.command = state === "not-installed" ? "rasp.restartServer" : "rasp.setExample";
    this.status.show();
  }
}

export function currentSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration("rasp");
  const read = (key: keyof RaspConfiguration) => config.get(key) as any;
  const values: RaspConfiguration = {
    vocab: read("vocab"),
    maxSeqLen: read("maxSeqLen"),
    maxInputs: read("maxInputs"),
    timeout: read("timeout"),
    llmBaseUrl: read("llmBaseUrl"),
    llmModel: read("llmModel"),
  };
  return serverSettings(values, vscode.workspace.isTrusted);
}

function clientOptions(output: vscode.OutputChannel): LanguageClientOptions {
  return {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    outputChannel: output,
    initializationOptions: currentSettings(),
    middleware: {
      workspace: {
        // The server asks for the `rasp` section: answer with what it reads, trust included.
        configuration: (params) =>
          params.items.map((item) => (item.section === "rasp" ? currentSettings() : null)),
      },
    },
  };
}

/** Restart when the Python extension's active environment changes, unless a setting decides. */
export async function followPythonEnvironment(rasp: RaspClient): Promise<vscode.Disposable | undefined> {
  const api = await pythonExtensionApi();
  const event = api?.environments?.onDidChangeActiveEnvironmentPath;
  if (typeof event !== "function") {
    return undefined;
  }
  return event(() => {
    const setting = vscode.workspace.getConfiguration("rasp").get<string>("interpreter");
    if (!setting && rasp.client !== undefined) {
      void rasp.restart();
    }
  });
}

async function pythonExtensionApi(): Promise<any> {
  const extension = vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (extension === undefined) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch {
    return undefined; // it failed to activate: fall back to PATH
  }
}

async function activePythonEnvironment(): Promise<string | undefined> {
  const api = await pythonExtensionApi();
  try {
    return pythonExtensionInterpreter(api, vscode.window.activeTextEditor?.document.uri);
  } catch {
    return undefined; // its API changed: fall back to PATH
  }
}
