import * as path from "node:path";

/** The repository root and its virtualenv, which `make` creates with rasp-studio installed. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");
export const REPO_PYTHON = process.env.RASP_TEST_PYTHON ?? path.join(ROOT, ".venv", "bin", "python");
export const EXTENSION = path.resolve(__dirname, "..", "..");
