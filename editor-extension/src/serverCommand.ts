/**
 * The command line that starts `rasp serve`, and the environment it gets.
 *
 * The LLM API key reaches the server through its environment only: never through settings,
 * initializationOptions or any LSP message, which VS Code can trace to a log.
 */
export interface ServerExecutable {
  command: string;
  args: string[];
  options: { env: NodeJS.ProcessEnv };
}

// `-P`: the current folder (a workspace, maybe holding a `typing.py`) stays off sys.path.
export const SERVER_ARGS = ["-P", "-m", "raspstudio", "serve"];

export function serverExecutable(
  python: string,
  baseEnv: NodeJS.ProcessEnv,
  apiKey?: string,
): ServerExecutable {
  const env: NodeJS.ProcessEnv = { ...baseEnv, PYTHONUNBUFFERED: "1" };
  if (apiKey) {
    env.OPENAI_API_KEY = apiKey; // from SecretStorage; wins over an inherited one
  }
  return { command: python, args: [...SERVER_ARGS], options: { env } };
}
