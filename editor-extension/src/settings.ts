/**
 * VS Code's `rasp.*` settings → what the language server reads (docs/editors.md, Settings).
 *
 * The server takes camelCase keys; unset values are left out so the server keeps its
 * defaults. `execute` is not a setting: it follows Workspace Trust.
 */
export interface RaspConfiguration {
  interpreter?: string;
  vocab?: string | (string | number)[] | null;
  maxSeqLen?: number | null;
  maxInputs?: number | null;
  timeout?: number | null;
  llmBaseUrl?: string | null;
  llmModel?: string | null;
}

export interface ServerSettings {
  execute: boolean;
  vocab?: string | (string | number)[];
  maxSeqLen?: number;
  maxInputs?: number;
  timeout?: number;
  llmBaseUrl?: string;
  llmModel?: string;
}

/** Settings the server reads, in the order a reader scans them. */
export const MIRRORED = ["vocab", "maxSeqLen", "maxInputs", "timeout", "llmBaseUrl", "llmModel"] as const;

export function serverSettings(config: RaspConfiguration, trusted: boolean): ServerSettings {
  const settings: ServerSettings = { execute: trusted };
  for (const key of MIRRORED) {
    const value = config[key];
    if (value === undefined || value === null) {
      continue;
    }
    if ((typeof value === "string" || Array.isArray(value)) && value.length === 0) {
      continue; // an emptied setting means "use the default"
    }
    (settings as any)[key] = value;
  }
  return settings;
}

/** Whether a configuration change needs a new server process (a different Python). */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects("rasp.interpreter");
}
