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
  RevealOutputChannelOn,
  State,
} from "vscode-languageclient/node";

import { COMMANDS, SERVER_SHOW_LAYERS } from "./commandIds";
import { CrashHandler } from "./crashes";
import {
  candidates,
  discover,
  installCommand,
  notInstalledMessage,
  pythonExtensionInterpreter,
} from "./interpreter";
import { Lifecycle } from "./lifecycle";
import { serverExecutable } from "./serverCommand";
import { needsRestart, type RaspConfiguration, serverSettings, type ServerSettings } from "./settings";
import { type ServerState, statusText } from "./status";

export const API_KEY_SECRET = "rasp.llmApiKey";
const PYTHON_EXTENSION = "ms-python.python";

export class RaspClient {
  state: ServerState = "stopped";
  example: string[] | undefined;
  private python: string | undefined;
  /** The `rasp.interpreter` setting the latest start read: only a different one restarts. */
  private interpreterSetting: string | undefined;
  /** A start was asked for and no stop since: a new interpreter then means a restart. */
  private wanted = false;
  /** Closes the notification that the server crashed for good, once one runs again. */
  private closeCrashNotice: (() => void) | undefined;
  private readonly lifecycle = new Lifecycle<LanguageClient>({
    start: () => this.startWithProgress(),
    stop: (client) => client.stop(),
    alive: (client) => client.isRunning(),
  });

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.OutputChannel,
    private readonly status: vscode.StatusBarItem,
  ) {
    this.show("stopped");
  }

  /** The running client; undefined while none runs (one may be starting). */
  get client(): LanguageClient | undefined {
    return this.lifecycle.phase === "running" ? this.lifecycle.current : undefined;
  }

  /** The running client, started on first use; undefined when the server cannot start. */
  ensureStarted(): Promise<LanguageClient | undefined> {
    this.wanted = true;
    return this.lifecycle.ensureStarted();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    await this.lifecycle.stop();
    this.show("stopped");
  }

  restart(): Promise<LanguageClient | undefined> {
    this.wanted = true;
    return this.lifecycle.restart();
  }

  /** A new interpreter (setting or Python extension): restart a server that runs, starts or
   * failed to start; one never asked for stays stopped. */
  async interpreterChanged(): Promise<void> {
    if (this.wanted) {
      await this.restart();
    }
  }

  /** `rasp.*` settings changed. VS Code also reports restricted settings (`rasp.interpreter`)
   * as changed when trust is granted, whether or not their value did: only a different
   * interpreter restarts the server; anything else reaches the running one. */
  async configurationChanged(affects: (section: string) => boolean): Promise<void> {
    if (needsRestart(affects) && interpreterSetting() !== this.interpreterSetting) {
      await this.interpreterChanged();
    } else {
      await this.pushSettings();
    }
  }

  /** Settings changed, or the workspace became trusted: the server re-checks everything.
   * A client still starting gets them once it runs (it read the old ones at initialize). */
  async pushSettings(): Promise<void> {
    if (!this.lifecycle.active) {
      return;
    }
    await this.lifecycle.withRunning(async (client) => {
      const settings = { rasp: currentSettings() };
      await client.sendNotification(DidChangeConfigurationNotification.type, { settings });
      this.show(settings.rasp.execute ? "ready" : "restricted");
    });
  }

  /** Run one of the server's `rasp.server.*` commands (starting the server if needed). */
  async command(id: string, args: unknown[], token?: vscode.CancellationToken): Promise<any> {
    const client = await this.ensureStarted();
    if (client === undefined) {
      return undefined;
    }
    return client.sendRequest(ExecuteCommandRequest.type, { command: id, arguments: args }, token);
  }

  /** The LLM API key from secret storage (the server gets it in its environment). */
  async apiKey(): Promise<string | undefined> {
    return this.context.secrets.get(API_KEY_SECRET);
  }

  setExample(tokens: string[]): void {
    this.example = tokens;
    this.show(this.state);
  }

  /** Start, with the status bar item and a window progress saying so until the server runs. */
  private startWithProgress(): Promise<LanguageClient | undefined> {
    this.show("starting");
    const title = "RASP: starting the language server";
    const location = vscode.ProgressLocation.Window;
    return Promise.resolve(vscode.window.withProgress({ location, title }, () => this.start()));
  }

  private async start(): Promise<LanguageClient | undefined> {
    this.interpreterSetting = interpreterSetting();
    const found = await discover(candidates(this.interpreterSetting, await activePythonEnvironment()));
    this.python = found.python;
    if (!found.installed) {
      this.reportNotInstalled(notInstalledMessage(found), found.python);
      return undefined;
    }
    this.output.appendLine(`rasp-studio ${found.detail} in ${found.python} (from ${found.source})`);
    const apiKey = await this.apiKey();
    const crashes = new CrashHandler((message) => this.reportGivingUp(message));
    const client = new LanguageClient(
      "rasp",
      "RASP Studio",
      serverExecutable(found.python, process.env, apiKey),
      clientOptions(this.output, crashes),
    );
    crashes.use(client);
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running) {
        this.closeCrashNotice?.();
        this.show(currentSettings().execute ? "ready" : "restricted");
      } else if (newState === State.Starting) {
        this.show("starting"); // the client restarting a server that crashed
      } else if (this.state !== "not-installed") {
        this.show("stopped");
      }
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
    if (this.example !== undefined) {
      // A new server starts from each file's EXAMPLES: give it back the user's example.
      const args = { command: "rasp.server.setExample", arguments: [this.example.join(" ")] };
      await client.sendRequest(ExecuteCommandRequest.type, args);
    }
    return client;
  }

  /** A notification, not a toast: it closes itself when a server runs again. */
  private reportGivingUp(message: string): void {
    this.closeCrashNotice?.();
    const title = `RASP Studio: ${message} Run RASP: Restart Server to start it again.`;
    const location = vscode.ProgressLocation.Notification;
    void vscode.window.withProgress({ location, title, cancellable: true }, (_progress, token) => {
      return new Promise<void>((resolve) => {
        this.closeCrashNotice = resolve;
        token.onCancellationRequested(() => resolve());
      });
    });
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

function interpreterSetting(): string | undefined {
  return vscode.workspace.getConfiguration("rasp").get<string>("interpreter");
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

function clientOptions(output: vscode.OutputChannel, errorHandler: CrashHandler): LanguageClientOptions {
  return {
    errorHandler,
    // Failed requests and writes (a dead server) go to the output, not into toasts that
    // outlive the restart; the status bar and crashes.ts say what the user must know.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
    ],
    outputChannel: output,
    initializationOptions: currentSettings(),
    middleware: {
      // A layers lens runs the palette command, which opens the rendered report beside the
      // program; the server's own command would open the raw Markdown in the program's place.
      provideCodeLenses: async (document, token, next) => {
        const lenses = await next(document, token);
        for (const lens of lenses ?? []) {
          if (lens.command?.command === SERVER_SHOW_LAYERS) {
            lens.command.command = COMMANDS.showLayers;
          }
        }
        return lenses;
      },
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
    if (!interpreterSetting()) {
      void rasp.interpreterChanged();
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
