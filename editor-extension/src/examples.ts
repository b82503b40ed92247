/**
 * What users type into input boxes: tokens ("a b c") and examples ("1 2 3 -> 3 2 1; a -> b").
 *
 * Mirrors the server's parsing (numbers become ints there), so a mistake is caught in the
 * input box, before a request.
 */
export function parseTokens(text: string): string[] {
  return text.split(/\s+/).filter((t) => t.length > 0);
}

export interface ParsedExamples {
  examples: string[];
  error?: string;
}

/** Examples separated by `;` or new lines; each `INPUT -> OUTPUT` with one output per token. */
export function parseExamples(text: string): ParsedExamples {
  const examples = text
    .split(/[;\n]/)
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  for (const example of examples) {
    const parts = example.split("->");
    if (parts.length !== 2) {
      return { examples, error: `"${example}" should look like 1 2 3 -> 3 2 1` };
    }
    const [input, output] = parts.map(parseTokens);
    if (input.length === 0 || input.length !== output.length) {
      return {
        examples,
        error: `"${example}" needs one output per input token (${input.length} in, ${output.length} out)`,
      };
    }
  }
  return { examples };
}
