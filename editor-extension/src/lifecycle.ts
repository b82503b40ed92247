/**
 * One language client at a time: a small state machine over start, stop and restart.
 *
 * Every transition waits for the one before it. A starting vscode-languageclient cannot be
 * stopped (it throws), and starting a second one beside it registers the server's commands
 * twice ("command 'rasp.server.showLayers' already exists"). So a stop or restart asked for
 * while a client starts acts on that client once it is up, and never makes a second one.
 * No `vscode` import: mocha drives the races with stand-in steps.
 */
export type Phase = "stopped" | "starting" | "running" | "stopping";

export interface Steps<C> {
  /** Start a client; undefined when it cannot start (start reports why itself). */
  start(): Promise<C | undefined>;
  stop(client: C): Promise<void>;
  /** Whether a client that started is still running (it may have crashed since). */
  alive(client: C): boolean;
}

export class Lifecycle<C> {
  phase: Phase = "stopped";
  current: C | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingStart: Promise<C | undefined> | undefined;
  private pendingRestart: Promise<C | undefined> | undefined;

  constructor(private readonly steps: Steps<C>) {}

  /** Whether a client runs, or a transition is under way or waiting. */
  get active(): boolean {
    return this.phase !== "stopped" || this.pendingStart !== undefined || this.pendingRestart !== undefined;
  }

  /** The running client, after whatever transition is under way; starts one if none runs. */
  ensureStarted(): Promise<C | undefined> {
    this.pendingStart ??= this.enqueue(() => this.startNow()).finally(() => (this.pendingStart = undefined));
    return this.pendingStart;
  }

  stop(): Promise<void> {
    return this.enqueue(() => this.stopNow());
  }

  /** Stop and start again; requests made before the new start begins share it. */
  restart(): Promise<C | undefined> {
    this.pendingRestart ??= this.enqueue(async () => {
      this.pendingRestart = undefined; // a request from here on needs a restart of its own
      await this.stopNow();
      return this.startNow();
    });
    return this.pendingRestart;
  }

  /** Run `use` on the client that runs once the transitions asked for so far are done. */
  withRunning(use: (client: C) => Promise<void>): Promise<void> {
    return this.enqueue(async () => {
      if (this.current !== undefined && this.phase === "running" && this.steps.alive(this.current)) {
        await use(this.current);
      }
    });
  }

  private enqueue<T>(transition: () => Promise<T>): Promise<T> {
    const next = this.queue.then(transition);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async startNow(): Promise<C | undefined> {
    if (this.current !== undefined && this.steps.alive(this.current)) {
      return this.current;
    }
    await this.stopNow(); // one that crashed: let go of it first
    this.phase = "starting";
    try {
      this.current = await this.steps.start();
    } finally {
      this.phase = this.current === undefined ? "stopped" : "running";
    }
    return this.current;
  }

  private async stopNow(): Promise<void> {
    const client = this.current;
    if (client === undefined) {
      return;
    }
    this.phase = "stopping";
    try {
      await this.steps.stop(client);
    } finally {
      this.current = undefined;
      this.phase = "stopped";
    }
  }
}
