/**
 * Which Python runs `rasp serve`, and whether rasp-studio is installed in it.
 *
 * No `vscode` import: the extension passes in what it read from settings and the Python
 * extension, so discovery is tested with mocha alone.
 */
import { execFile } from "node:child_process";
import * as os from "node:os";

export type Source = "setting" | "python-extension" | "path";

export interface Candidate {
  python: string;
  source: Source;
}

export interface Probe {
  installed: boolean;
  /** rasp-studio's version when installed; otherwise why the check failed. */
  detail: string;
}

export interface Interpreter extends Candidate, Probe {}

/** How to install rasp-studio into `python` (it is not on PyPI). */
export const INSTALL_SPEC = "rasp-studio @ git+https://github.com/rasp-studio/rasp-studio";

export function installCommand(python: string): string {
  return `${quote(python)} -m pip install "${INSTALL_SPEC}"`;
}

/**
 * The interpreters to try, in order: the `rasp.interpreter` setting alone when set (an
 * explicit choice is never silently replaced), else the Python extension's active
 * environment, then `python3` (`python` on Windows) on PATH.
 */
export function candidates(
  setting: string | undefined,
  pythonExtension: string | undefined,
  platform: NodeJS.Platform = process.platform,
): Candidate[] {
  if (setting && setting.trim()) {
    return [{ python: setting.trim(), source: "setting" }];
  }
  const found: Candidate[] = [];
  if (pythonExtension) {
    found.push({ python: pythonExtension, source: "python-extension" });
  }
  found.push({ python: platform === "win32" ? "python" : "python3", source: "path" });
  return found;
}

/**
 * The active environment's interpreter from the Python extension's API, whichever of its
 * two API generations it exposes; undefined when it has none.
 */
export function pythonExtensionInterpreter(api: unknown, resource?: unknown): string | undefined {
  const modern = (api as any)?.environments?.getActiveEnvironmentPath?.(resource)?.path;
  if (typeof modern === "string" && modern) {
    return modern;
  }
  const legacy = (api as any)?.settings?.getExecutionDetails?.(resource)?.execCommand?.[0];
  return typeof legacy === "string" && legacy ? legacy : undefined;
}

export const PROBE_SCRIPT =
  "import importlib.metadata as m, raspstudio\n" +
  "try:\n    print(m.version('rasp-studio'))\n" +
  "except m.PackageNotFoundError:\n    print('source checkout')";

export type Run = (command: string, args: string[]) => Promise<{ stdout: string }>;

/** Run outside any folder, so a checkout in the working folder does not pass for an install. */
export const runFromTemp: Run = (command, args) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { cwd: os.tmpdir(), timeout: 30_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(lastLine(stderr) || error.message)) : resolve({ stdout }),
    );
  });

export async function probe(python: string, run: Run = runFromTemp): Promise<Probe> {
  try {
    const { stdout } = await run(python, ["-P", "-c", PROBE_SCRIPT]);
    return { installed: true, detail: stdout.trim() };
  } catch (e) {
    return { installed: false, detail: (e as Error).message };
  }
}

/** The first candidate with rasp-studio installed, else the first one with why it failed. */
export async function discover(
  found: Candidate[],
  check: (python: string) => Promise<Probe> = (python) => probe(python),
): Promise<Interpreter> {
  let first: Interpreter | undefined;
  for (const candidate of found) {
    const result = { ...candidate, ...(await check(candidate.python)) };
    if (result.installed) {
      return result;
    }
    first ??= result;
  }
  if (first === undefined) {
    throw new Error("no interpreter to try");
  }
  return first;
}

/** What to tell a user whose interpreter cannot run the server. */
export function notInstalledMessage(found: Interpreter): string {
  const missing = /No module named '?raspstudio/.test(found.detail);
  const why = missing ? "rasp-studio is not installed in" : `cannot run rasp-studio with`;
  const where = { setting: "rasp.interpreter", "python-extension": "the Python extension", path: "PATH" };
  return (
    `${why} ${found.python} (from ${where[found.source]})` +
    (missing ? "" : `: ${found.detail}`) +
    `. Install it with: ${installCommand(found.python)}`
  );
}

function lastLine(text: string): string {
  const lines = text.trim().split(/\r?\n/);
  return lines[lines.length - 1] ?? "";
}

function quote(path: string): string {
  return /[\s"'$`\\]/.test(path) ? `"${path.replace(/(["\\$`])/g, "\\$1")}"` : path;
}
