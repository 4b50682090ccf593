package io.jobwatch.it;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Samples a readiness flag every few milliseconds on its own thread and remembers whether it was
 * ever false, and ever true; thread-safe.
 */
final class ReadinessWatch implements AutoCloseable {
  private final AtomicBoolean everNotReady = new AtomicBoolean();
  private final AtomicBoolean everReady = new AtomicBoolean();
  private final Thread sampler;
  private volatile boolean running = true;

  ReadinessWatch(BooleanSupplier ready) {
    sampler =
        new Thread(
            () -> {
              while (running) {
                if (ready.getAsBoolean()) {
                  everReady.set(true);
                } else {
                  everNotReady.set(true);
                }
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "readiness-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  boolean wasAlwaysReady() {
    return !everNotReady.get();
  }

  boolean wasNeverReady() {
    return !everReady.get();
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
