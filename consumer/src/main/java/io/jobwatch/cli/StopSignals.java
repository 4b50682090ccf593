package io.jobwatch.cli;

import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop. A JVM shutdown hook would also run, but the JVM
 * then exits with 143 whatever the hook does; handling the signal lets a clean stop exit 0, which
 * is what orchestrators (Kubernetes, systemd, compose) expect of a graceful shutdown.
 */
final class StopSignals {
  private StopSignals() {}

  /** Runs {@code stop} on its own thread when SIGTERM or SIGINT arrives. */
  static void onStop(Runnable stop) {
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), signal -> new Thread(stop, "jobwatch-stop-" + name).start());
    }
  }
}
