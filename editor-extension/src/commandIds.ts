/**
 * Command ids (DESIGN §5): the palette's, and the server's that a code lens carries. Their own
 * module because the client (lens middleware) and the palette commands both need them.
 */
export const COMMANDS = {
  generateFromSpec: "rasp.generateFromSpec",
  showLayers: "rasp.showLayers",
  runOnInput: "rasp.runOnInput",
  setExample: "rasp.setExample",
  restartServer: "rasp.restartServer",
  setLlmApiKey: "rasp.setLlmApiKey",
} as const;

export const SERVER_SHOW_LAYERS = "rasp.server.showLayers";
