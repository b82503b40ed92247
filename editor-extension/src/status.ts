/** The status-bar item's text: the server's state and the running example. */

export type ServerState = "starting" | "ready" | "restricted" | "stopped" | "not-installed";

const ICONS: Record<ServerState, string> = {
  starting: "$(sync~spin)",
  ready: "$(check)",
  restricted: "$(shield)",
  stopped: "$(circle-slash)",
  "not-installed": "$(error)",
};

const MEANING: Record<ServerState, string> = {
  starting: "starting the language server and its worker",
  ready: "checking programs as you type",
  restricted: "Restricted Mode: syntax errors only, no program runs",
  stopped: "the language server is stopped",
  "not-installed": "rasp-studio is not installed in the selected interpreter",
};

export interface StatusText {
  text: string;
  tooltip: string;
}

export function statusText(state: ServerState, example?: string[], python?: string): StatusText {
  const shown = example && example.length > 0 ? example.join(" ") : "from EXAMPLES";
  return {
    // Starting takes seconds (tens on a busy machine): say so rather than show an example.
    text: state === "starting" ? `${ICONS[state]} RASP: starting…` : `${ICONS[state]} RASP · ${shown}`,
    tooltip:
      `RASP Studio: ${MEANING[state]}` +
      `\nRunning example: ${shown} (RASP: Set Running Example)` +
      (python ? `\nInterpreter: ${python}` : ""),
  };
}
