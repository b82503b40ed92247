/**
 * When the server dies, vscode-languageclient restarts it (up to 4 times in 3 minutes), then
 * gives up with an error toast, besides one toast per failed write to the dead process. VS
 * Code cannot close a toast, so they stayed on screen after a successful Restart Server. This
 * handler keeps the client's policy but only logs, and hands giving up to `onGiveUp`, which
 * shows a notification that closes itself once a server runs again.
 */
import {
  CloseAction,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClient,
  type Message,
} from "vscode-languageclient/node";

export class CrashHandler implements ErrorHandler {
  private policy: ErrorHandler | undefined;

  constructor(private readonly onGiveUp: (message: string) => void) {}

  /** Adopt the client's own policy (it needs the client, which needs this handler first). */
  use(client: LanguageClient): void {
    this.policy = client.createDefaultErrorHandler();
  }

  async error(error: Error, message: Message | undefined, count: number | undefined): Promise<ErrorHandlerResult> {
    const result = await this.policy!.error(error, message, count);
    return { ...result, handled: true }; // logged to the output, never a toast
  }

  async closed(): Promise<CloseHandlerResult> {
    const result = await this.policy!.closed();
    if (result.action === CloseAction.DoNotRestart) {
      this.onGiveUp(result.message ?? "The server crashed and will not be restarted.");
    }
    return { ...result, handled: true }; // logged to the output, never a toast
  }
}
