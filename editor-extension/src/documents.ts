/** Which documents are RASP programs: Python files that import tracr's RASP. */

const IMPORTS_TRACR = /^\s*(from\s+tracr(\.[\w.]+)?\s+import\b|import\s+tracr\b)/m;

export function importsTracr(text: string): boolean {
  return IMPORTS_TRACR.test(text);
}
