/**
 * The state machine alone, with steps the test completes by hand, so each race runs in one
 * exact order (lifecycle.test.ts drives the same races against the real server).
 */
import * as assert from "node:assert/strict";

import { Lifecycle } from "../src/lifecycle";

/** Steps whose starts finish when the test says so, logging what happened. */
function steps() {
  const log: string[] = [];
  const finishers: ((ok: boolean) => void)[] = [];
  let made = 0;
  const alive = new Set<string>();
  const lifecycle = new Lifecycle<string>({
    start: () => {
      made += 1;
      const name = `client${made}`;
      log.push(`start ${name}`);
      return new Promise((resolve) =>
        finishers.push((ok) => {
          if (ok) {
            alive.add(name);
          }
          resolve(ok ? name : undefined);
        }),
      );
    },
    stop: async (client) => {
      log.push(`stop ${client}`);
      alive.delete(client);
    },
    alive: (client) => alive.has(client),
  });
  /** Let queued transitions run, then finish the oldest unfinished start. */
  const finishStart = async (ok = true) => {
    for (let i = 0; i < 10 && finishers.length === 0; i++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    finishers.shift()!(ok);
  };
  return { lifecycle, log, alive, finishStart };
}

describe("one client at a time (lifecycle.ts)", () => {
  it("stops a client that was starting when the stop came, once it is up", async () => {
    const { lifecycle, log, alive, finishStart } = steps();
    const started = lifecycle.ensureStarted();
    const stopped = lifecycle.stop();
    assert.equal(lifecycle.active, true);
    await finishStart();
    assert.equal(await started, "client1");
    await stopped;
    assert.deepEqual(log, ["start client1", "stop client1"]);
    assert.deepEqual([...alive], []);
    assert.equal(lifecycle.phase, "stopped");
  });

  it("restarts after the start under way, and shares one restart among requests", async () => {
    const { lifecycle, log, alive, finishStart } = steps();
    void lifecycle.ensureStarted();
    const first = lifecycle.restart();
    const second = lifecycle.restart();
    assert.equal(first, second);
    await finishStart();
    await finishStart();
    assert.equal(await first, "client2");
    assert.deepEqual(log, ["start client1", "stop client1", "start client2"]);
    assert.deepEqual([...alive], ["client2"]);
  });

  it("gives a client that starts the settings sent while it started, once it runs", async () => {
    const { lifecycle, finishStart } = steps();
    void lifecycle.ensureStarted();
    const got: string[] = [];
    const sent = lifecycle.withRunning(async (client) => void got.push(client));
    assert.deepEqual(got, []);
    await finishStart();
    await sent;
    assert.deepEqual(got, ["client1"]);
  });

  it("starts again after a start that failed, and replaces a client that died", async () => {
    const { lifecycle, log, alive, finishStart } = steps();
    const failed = lifecycle.ensureStarted();
    await finishStart(false);
    assert.equal(await failed, undefined);
    assert.equal(lifecycle.active, false);
    const again = lifecycle.ensureStarted();
    await finishStart();
    assert.equal(await again, "client2");
    alive.delete("client2"); // it crashed
    const replaced = lifecycle.ensureStarted();
    await finishStart();
    assert.equal(await replaced, "client3");
    assert.deepEqual(log, ["start client1", "start client2", "stop client2", "start client3"]);
  });
});
