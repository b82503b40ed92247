/**
 * A stand-in for the `vscode` module: just enough of VS Code's API, with real behaviour where
 * the extension and vscode-languageclient depend on it (documents, tabs, configuration,
 * commands, diagnostics), recording what the extension shows. VS Code itself cannot be
 * downloaded here (DESIGN §7), so the activation test runs the real bundle against this.
 */
import { EventEmitter as NodeEmitter } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

type Listener<T> = (event: T) => unknown;

export class EventEmitter<T> {
  private readonly emitter = new NodeEmitter();
  event = (listener: Listener<T>): Disposable => {
    this.emitter.on("event", listener);
    return new Disposable(() => this.emitter.off("event", listener));
  };
  fire(event: T): void {
    this.emitter.emit("event", event);
  }
  dispose(): void {
    this.emitter.removeAllListeners();
  }
}

export class Disposable {
  constructor(private readonly callOnDispose: () => unknown = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.callOnDispose();
  }
}

export class Uri {
  constructor(
    readonly scheme: string,
    readonly authority: string,
    readonly path: string,
    readonly query = "",
    readonly fragment = "",
  ) {}
  static parse(value: string): Uri {
    if (value.startsWith("file:")) {
      return Uri.file(fileURLToPath(value));
    }
    const colon = value.indexOf(":");
    return new Uri(value.slice(0, colon), "", decodeURIComponent(value.slice(colon + 1)));
  }
  static file(path: string): Uri {
    return new Uri("file", "", path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return base.with({ path: [base.path, ...parts].join("/") });
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: Partial<Uri>): Uri {
    return new Uri(change.scheme ?? this.scheme, this.authority, change.path ?? this.path);
  }
  toString(): string {
    return this.scheme === "file" ? pathToFileURL(this.path).href : `${this.scheme}:${this.path}`;
  }
  toJSON(): unknown {
    return { scheme: this.scheme, path: this.path };
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: Position | number, b: Position | number, c?: number, d?: number) {
    this.start = typeof a === "number" ? new Position(a, b as number) : a;
    this.end = typeof a === "number" ? new Position(c!, d!) : (b as Position);
  }
  get isEmpty(): boolean {
    return this.start.line === this.end.line && this.start.character === this.end.character;
  }
}

/** A class whose constructor keeps its arguments under these names (most API value types). */
function record(...fields: string[]): any {
  return class {
    constructor(...args: unknown[]) {
      fields.forEach((field, i) => ((this as any)[field] = args[i]));
    }
  };
}

export class TextDocument {
  version = 1;
  isClosed = false;
  isDirty = false;
  readonly eol = 1;
  constructor(
    readonly uri: Uri,
    readonly languageId: string,
    private text: string,
  ) {}
  get fileName(): string {
    return this.uri.fsPath;
  }
  get isUntitled(): boolean {
    return this.uri.scheme === "untitled";
  }
  get lineCount(): number {
    return this.text.split("\n").length;
  }
  getText(range?: Range): string {
    return range ? this.text.slice(this.offsetAt(range.start), this.offsetAt(range.end)) : this.text;
  }
  lineAt(line: number | Position): any {
    const n = typeof line === "number" ? line : line.line;
    const text = this.text.split("\n")[n] ?? "";
    return { lineNumber: n, text, range: new Range(n, 0, n, text.length), isEmptyOrWhitespace: !text.trim() };
  }
  offsetAt(position: Position): number {
    const lines = this.text.split("\n");
    return lines.slice(0, position.line).reduce((n, l) => n + l.length + 1, 0) + position.character;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split("\n");
    return new Position(before.length - 1, before[before.length - 1].length);
  }
  validateRange(range: Range): Range {
    return range;
  }
  validatePosition(position: Position): Position {
    return position;
  }
  save(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind("");
  static readonly QuickFix = CodeActionKind.Empty.append("quickfix");
  static readonly Refactor = CodeActionKind.Empty.append("refactor");
  static readonly RefactorExtract = CodeActionKind.Refactor.append("extract");
  static readonly RefactorInline = CodeActionKind.Refactor.append("inline");
  static readonly RefactorRewrite = CodeActionKind.Refactor.append("rewrite");
  static readonly Source = CodeActionKind.Empty.append("source");
  static readonly SourceOrganizeImports = CodeActionKind.Source.append("organizeImports");
  static readonly SourceFixAll = CodeActionKind.Source.append("fixAll");
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === other.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: CodeActionKind): boolean {
    return this.contains(other) || other.contains(this);
  }
}

export class TabInputText {
  constructor(readonly uri: Uri) {}
}

export class DiagnosticCollection {
  readonly entries = new Map<string, any[]>();
  readonly changed = new EventEmitter<string>();
  constructor(readonly name: string) {}
  set(uri: Uri | [Uri, any[]][], diagnostics?: any[]): void {
    const pairs: [Uri, any[] | undefined][] = Array.isArray(uri) ? uri : [[uri, diagnostics]];
    for (const [u, d] of pairs) {
      this.entries.set(u.toString(), d ?? []);
      this.changed.fire(u.toString());
    }
  }
  get(uri: Uri): any[] | undefined {
    return this.entries.get(uri.toString());
  }
  has(uri: Uri): boolean {
    return this.entries.has(uri.toString());
  }
  delete(uri: Uri): void {
    this.entries.delete(uri.toString());
  }
  clear(): void {
    this.entries.clear();
  }
  forEach(callback: (uri: Uri, diagnostics: any[]) => void): void {
    this.entries.forEach((d, u) => callback(Uri.parse(u), d));
  }
  dispose(): void {
    this.entries.clear();
  }
}

export interface Shown {
  kind: "info" | "warning" | "error";
  message: string;
  /** The buttons offered with it. */
  items: string[];
}

/** A fresh fake editor: its API object (the `vscode` module) and what it recorded. */
export class FakeEditor {
  readonly configuration = new Map<string, unknown>();
  trusted = true;
  readonly documents: TextDocument[] = [];
  readonly shown: Shown[] = [];
  readonly opened: { document: TextDocument; options: any }[] = [];
  readonly collections: DiagnosticCollection[] = [];
  readonly commands = new Map<string, (...args: any[]) => unknown>();
  readonly inputBoxes: any[] = [];
  /** Each `withProgress`: its options, and whether its task has finished. */
  readonly progress: { options: any; done: boolean }[] = [];
  /** Code lens providers, as vscode-languageclient registers them. */
  readonly codeLensProviders: any[] = [];
  /** Answers for showInputBox, in order; undefined means the user pressed Escape. */
  answers: (string | undefined)[] = [];
  readonly statusBar: any = { text: "", tooltip: "", show() {}, hide() {}, dispose() {} };
  /** Files shown with the built-in Markdown extension's `markdown.showPreviewToSide`. */
  readonly previews: Uri[] = [];
  readonly output: string[] = [];
  readonly secrets = new Map<string, string>();
  /** Other extensions, by id: `{ isActive, exports }` as VS Code hands them out. */
  readonly extensions = new Map<string, { isActive: boolean; exports: unknown; activate?: () => unknown }>();
  private untitled = 0;
  private activeEditor: any;
  private readonly tabs: { input: TabInputText }[] = [];
  private readonly events = {
    open: new EventEmitter<TextDocument>(),
    close: new EventEmitter<TextDocument>(),
    change: new EventEmitter<any>(),
    configuration: new EventEmitter<any>(),
    trust: new EventEmitter<void>(),
    tabs: new EventEmitter<any>(),
    activeEditor: new EventEmitter<any>(),
  };
  readonly api: any = this.build();

  constructor() {
    this.commands.set("markdown.showPreviewToSide", (uri: Uri) => void this.previews.push(uri));
  }

  /** Open a document in a tab (as a user would), firing the events VS Code fires. */
  async open(uri: Uri, text: string, languageId = "python"): Promise<TextDocument> {
    const document = new TextDocument(uri, languageId, text);
    this.documents.push(document);
    this.tabs.push({ input: new TabInputText(uri) });
    this.events.tabs.fire({ opened: [this.tabs[this.tabs.length - 1]], closed: [], changed: [] });
    this.events.open.fire(document);
    this.activeEditor = { document, selection: new Range(0, 0, 0, 0), viewColumn: 1 };
    this.events.activeEditor.fire(this.activeEditor);
    return document;
  }

  diagnosticsFor(uri: Uri): any[] | undefined {
    for (const collection of this.collections) {
      const found = collection.get(uri);
      if (found !== undefined && found.length > 0) {
        return found;
      }
    }
    return undefined;
  }

  private build(): any {
    const editor = this;
    const configurationFor = (section?: string) => ({
      get: (key: string, fallback?: unknown) => {
        const value = editor.configuration.get(section ? `${section}.${key}` : key);
        return value === undefined ? fallback : value;
      },
      has: (key: string) => editor.configuration.has(section ? `${section}.${key}` : key),
      inspect: () => undefined,
      update: () => Promise.resolve(),
    });
    const api: any = {
      version: "1.82.0",
      EventEmitter,
      Disposable,
      Uri,
      Position,
      Range,
      TabInputText,
      CodeActionKind,
      TabInputTextDiff: record("original", "modified"),
      TabInputCustom: record("uri", "viewType"),
      TabInputNotebook: record("uri", "notebookType"),
      Location: record("uri", "range"),
      Diagnostic: record("range", "message", "severity"),
      DiagnosticRelatedInformation: record("location", "message"),
      MarkdownString: record("value", "supportThemeIcons"),
      Hover: record("contents", "range"),
      CodeLens: record("range", "command"),
      CodeAction: record("title", "kind"),
      CompletionItem: record("label", "kind"),
      CompletionList: record("items", "isIncomplete"),
      DocumentLink: record("range", "target"),
      InlayHint: record("position", "label", "kind"),
      SymbolInformation: record("name", "kind", "containerName", "location"),
      DocumentSymbol: record("name", "detail", "kind", "range", "selectionRange"),
      CallHierarchyItem: record("kind", "name", "detail", "uri", "range", "selectionRange"),
      TypeHierarchyItem: record("kind", "name", "detail", "uri", "range", "selectionRange"),
      TextEdit: record("range", "newText"),
      SignatureHelp: record(),
      SignatureInformation: record("label", "documentation"),
      ParameterInformation: record("label", "documentation"),
      SnippetString: record("value"),
      WorkspaceEdit: class {
        readonly edits: unknown[] = [];
        replace(uri: Uri, range: Range, newText: string) {
          this.edits.push({ uri, range, newText });
        }
        insert(uri: Uri, position: Position, newText: string) {
          this.edits.push({ uri, position, newText });
        }
        set(uri: Uri, edits: unknown[]) {
          this.edits.push({ uri, edits });
        }
      },
      RelativePattern: record("base", "pattern"),
      CancellationError: class extends Error {},
      CancellationTokenSource: class {
        private readonly emitter = new EventEmitter<void>();
        token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
        cancel() {
          this.token.isCancellationRequested = true;
          this.emitter.fire();
        }
        dispose() {}
      },
      DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
      DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
      StatusBarAlignment: { Left: 1, Right: 2 },
      ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
      ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
      ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
      TextDocumentSaveReason: { Manual: 1, AfterDelay: 2, FocusOut: 3 },
      env: {
        appName: "Fake VS Code",
        language: "en",
        machineId: "test",
        clipboard: { writeText: () => Promise.resolve(), readText: () => Promise.resolve("") },
        openExternal: () => Promise.resolve(true),
      },
      extensions: {
        getExtension: (id: string) => editor.extensions.get(id),
        all: [],
      },
      commands: {
        registerCommand: (id: string, callback: (...args: any[]) => unknown) => {
          if (editor.commands.has(id)) {
            throw new Error(`command '${id}' already exists`); // as VS Code does
          }
          editor.commands.set(id, callback);
          return new Disposable(() => editor.commands.delete(id));
        },
        executeCommand: async (id: string, ...args: unknown[]) => {
          const command = editor.commands.get(id);
          if (command === undefined) {
            throw new Error(`command '${id}' not found`);
          }
          return command(...args);
        },
        getCommands: async () => [...editor.commands.keys()],
      },
      languages: {
        match: (selector: any, document: TextDocument) => (matches(selector, document) ? 10 : 0),
        createDiagnosticCollection: (name: string) => {
          const collection = new DiagnosticCollection(name);
          editor.collections.push(collection);
          return collection;
        },
        getDiagnostics: () => [],
        registerCodeLensProvider: (_selector: unknown, provider: unknown) => {
          editor.codeLensProviders.push(provider);
          return new Disposable(() => editor.codeLensProviders.splice(editor.codeLensProviders.indexOf(provider), 1));
        },
      },
      window: {
        get activeTextEditor() {
          return editor.activeEditor;
        },
        get visibleTextEditors() {
          return editor.activeEditor ? [editor.activeEditor] : [];
        },
        onDidChangeActiveTextEditor: editor.events.activeEditor.event,
        onDidChangeVisibleTextEditors: new EventEmitter().event,
        tabGroups: {
          get all() {
            return [{ tabs: editor.tabs }];
          },
          onDidChangeTabs: editor.events.tabs.event,
          onDidChangeTabGroups: new EventEmitter().event,
        },
        createOutputChannel: (name: string) => outputChannel(name, editor.output),
        createStatusBarItem: () => editor.statusBar,
        showInformationMessage: (message: string, ...items: any[]) => editor.say("info", message, items),
        showWarningMessage: (message: string, ...items: any[]) => editor.say("warning", message, items),
        showErrorMessage: (message: string, ...items: any[]) => editor.say("error", message, items),
        showInputBox: async (options: any) => {
          editor.inputBoxes.push(options);
          const answer = editor.answers.shift();
          const invalid = answer === undefined ? undefined : options?.validateInput?.(answer);
          if (invalid) {
            throw new Error(`the test typed ${JSON.stringify(answer)}, which the box rejects: ${invalid}`);
          }
          return answer;
        },
        withProgress: async (options: unknown, task: (progress: unknown, token: unknown) => unknown) => {
          const entry = { options, done: false };
          editor.progress.push(entry);
          try {
            return await task({ report: () => undefined }, new api.CancellationTokenSource().token);
          } finally {
            entry.done = true;
          }
        },
        showTextDocument: async (document: TextDocument, options?: any) => {
          editor.opened.push({ document, options });
          const shown = { document, selection: new Range(0, 0, 0, 0), viewColumn: options?.viewColumn ?? 1 };
          if (!options?.preserveFocus) {
            editor.activeEditor = shown;
          }
          return shown;
        },
      },
      workspace: {
        get isTrusted() {
          return editor.trusted;
        },
        get textDocuments() {
          return editor.documents;
        },
        workspaceFolders: undefined,
        notebookDocuments: [],
        getWorkspaceFolder: () => undefined,
        getConfiguration: configurationFor,
        openTextDocument: async (options: { language: string; content: string }) => {
          editor.untitled += 1;
          const uri = new Uri("untitled", "", `Untitled-${editor.untitled}`);
          const document = new TextDocument(uri, options.language, options.content);
          editor.documents.push(document);
          editor.events.open.fire(document);
          return document;
        },
        onDidOpenTextDocument: editor.events.open.event,
        onDidCloseTextDocument: editor.events.close.event,
        onDidChangeTextDocument: editor.events.change.event,
        onDidChangeConfiguration: editor.events.configuration.event,
        onDidGrantWorkspaceTrust: editor.events.trust.event,
        createFileSystemWatcher: () => ({
          onDidCreate: new EventEmitter().event,
          onDidChange: new EventEmitter().event,
          onDidDelete: new EventEmitter().event,
          dispose() {},
        }),
        applyEdit: async () => true,
        fs: {
          createDirectory: async (uri: Uri) => void fs.mkdirSync(uri.fsPath, { recursive: true }),
          writeFile: async (uri: Uri, content: Uint8Array) => fs.writeFileSync(uri.fsPath, content),
          readFile: async (uri: Uri) => fs.readFileSync(uri.fsPath),
        },
      },
    };
    // Everything not above: events that never fire, and providers registered into the void.
    const quiet = new EventEmitter<any>().event;
    for (const namespace of ["workspace", "window", "languages"]) {
      api[namespace] = new Proxy(api[namespace], {
        get: (target, property: string) => {
          if (property in target) {
            return target[property];
          }
          if (property.startsWith("onDid") || property.startsWith("onWill")) {
            return quiet;
          }
          if (property.startsWith("register")) {
            return () => new Disposable();
          }
          return undefined;
        },
      });
    }
    return new Proxy(api, {
      get: (target, property: string) => (property in target ? target[property] : record()),
    });
  }

  /** Record a message and answer it as a user who dismisses it (or picks `choose`). */
  choose: string | undefined;
  private say(kind: Shown["kind"], message: string, items: any[]): Promise<string | undefined> {
    // Items are strings, or `{ title }` objects; options (`{ modal }`) come first when given.
    const titles = items.filter((i) => typeof i === "string" || i?.title).map((i) => i.title ?? i);
    this.shown.push({ kind, message, items: titles });
    return Promise.resolve(this.choose !== undefined && titles.includes(this.choose) ? this.choose : undefined);
  }

  /** A settings change, as VS Code reports it. */
  changeConfiguration(key: string, value: unknown): void {
    this.configuration.set(key, value);
    this.events.configuration.fire({ affectsConfiguration: (section: string) => key.startsWith(section) });
  }

  grantTrust(): void {
    this.trusted = true;
    this.events.trust.fire();
  }

  context(extensionPath: string): any {
    const secrets = this.secrets;
    return {
      subscriptions: [],
      extensionPath,
      extensionUri: Uri.file(extensionPath),
      globalStorageUri: Uri.file(fs.mkdtempSync(path.join(os.tmpdir(), "rasp-storage-"))),
      asAbsolutePath: (relative: string) => `${extensionPath}/${relative}`,
      secrets: {
        get: async (key: string) => secrets.get(key),
        store: async (key: string, value: string) => void secrets.set(key, value),
        delete: async (key: string) => void secrets.delete(key),
        onDidChange: new EventEmitter().event,
      },
      globalState: memento(),
      workspaceState: memento(),
    };
  }
}

function matches(selector: any, document: TextDocument): boolean {
  const filters = Array.isArray(selector) ? selector : [selector];
  return filters.some((filter) => {
    if (typeof filter === "string") {
      return filter === document.languageId;
    }
    return (
      (filter.language === undefined || filter.language === document.languageId) &&
      (filter.scheme === undefined || filter.scheme === document.uri.scheme)
    );
  });
}

function outputChannel(name: string, lines: string[]): any {
  const write = (text: string) => void lines.push(text);
  return {
    name,
    append: write,
    appendLine: write,
    replace: write,
    clear: () => undefined,
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
    trace: write,
    debug: write,
    info: write,
    warn: write,
    error: write,
  };
}

function memento(): any {
  const values = new Map<string, unknown>();
  return {
    get: (key: string, fallback?: unknown) => (values.has(key) ? values.get(key) : fallback),
    update: async (key: string, value: unknown) => void values.set(key, value),
    keys: () => [...values.keys()],
  };
}
