package io.jobwatch.cli;

import io.jobwatch.JobwatchException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Publishes the events of one {@code jobwatch run} on a background thread while the command runs,
 * so the command never waits for the broker (issue 12 point 5). Batches are sent in the order they
 * were handed over, each record only after the previous one was acknowledged; the first failure
 * stops sending. {@link #finish} waits a bounded time for the rest and then appends every record
 * that was not acknowledged to the spool, in order, so each event is either acknowledged by Kafka
 * or in the spool (a record acknowledged after the give-up may be in both; the consumer drops the
 * repeated event id). Messages for stderr are collected and returned by {@link #finish}, never
 * printed while the command may be writing to the same stream.
 */
final class RunReporter {
  /** The longest wait for acknowledgements after the command has ended. */
  static final Duration GRACE = Duration.ofSeconds(3);

  /**
   * The longest wait for the interrupted sender to stop (it stops at once; a send blocks at most
   * this long), so the spool is never used by both threads.
   */
  private static final Duration STOP_WAIT =
      EventPublisher.DELIVERY_TIMEOUT.plus(Duration.ofSeconds(2));

  private final EventPublisher publisher;
  private final Spool spool;
  private final ExecutorService sender;
  private final List<Batch> batches = new ArrayList<>(); // guarded by this
  private final List<String> messages = new ArrayList<>(); // guarded by this
  private boolean failed; // guarded by this
  private boolean abandoned; // guarded by this
  private String problem; // guarded by this

  RunReporter(EventPublisher publisher, Spool spool) {
    this.publisher = publisher;
    this.spool = spool;
    this.sender =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "jobwatch-run-sender");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Sends what the spool holds from earlier runs before anything of this run. */
  void flushSpoolFirst() {
    sender.execute(
        () -> {
          try {
            if (spool.read().isEmpty()) {
              return;
            }
            int flushed = publisher.flush(spool);
            if (flushed > 0) {
              message("sent " + flushed + " spooled records from " + spool.file());
            }
          } catch (RuntimeException e) {
            message("jobwatch run: could not flush the spool: " + e.getMessage());
          }
        });
  }

  /**
   * Hands over a batch; {@code build} makes its records (validation included) on the sender thread,
   * or on the caller's in {@link #finish} if the sender never got to it.
   */
  void publish(Supplier<List<OutgoingRecord>> build) {
    Batch batch = new Batch(build);
    synchronized (this) {
      batches.add(batch);
    }
    sender.execute(() -> send(batch));
  }

  private void send(Batch batch) {
    List<OutgoingRecord> records = records(batch);
    for (int i = 0; i < records.size(); i++) {
      synchronized (this) {
        if (failed || abandoned) {
          return;
        }
      }
      try {
        publisher.send(records.get(i));
      } catch (JobwatchException e) {
        synchronized (this) {
          failed = true;
          problem = e.getMessage();
        }
        return;
      }
      synchronized (this) {
        if (abandoned) {
          return;
        }
        batch.acknowledged = i + 1;
      }
    }
  }

  /**
   * Waits at most {@code grace} for the sender, then stops it and spools every record that was not
   * acknowledged, in order. Returns the messages for stderr.
   */
  List<String> finish(Duration grace) {
    sender.shutdown();
    boolean done = await(grace);
    if (!done) {
      sender.shutdownNow();
      await(STOP_WAIT);
    }
    List<OutgoingRecord> pending = new ArrayList<>();
    synchronized (this) {
      abandoned = true;
      for (Batch batch : batches) {
        List<OutgoingRecord> records = records(batch);
        pending.addAll(records.subList(batch.acknowledged, records.size()));
      }
      if (!done) {
        // the sender's own failure, if any, is only the interrupt
        problem =
            "Kafka did not acknowledge within " + grace.toMillis() + " ms after the command ended";
      }
    }
    if (!pending.isEmpty()) {
      publisher.giveUp();
      try {
        spool.append(pending);
        message(
            "jobwatch run: "
                + problem
                + "; spooled "
                + pending.size()
                + " events to "
                + spool.file());
      } catch (RuntimeException e) {
        message(
            "jobwatch run: "
                + problem
                + "; could not spool "
                + pending.size()
                + " events: "
                + e.getMessage());
      }
    }
    synchronized (this) {
      return List.copyOf(messages);
    }
  }

  private boolean await(Duration timeout) {
    try {
      return sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private synchronized List<OutgoingRecord> records(Batch batch) {
    if (batch.records == null) {
      batch.records = batch.build.get();
    }
    return batch.records;
  }

  private synchronized void message(String line) {
    messages.add(line);
  }

  private static final class Batch {
    final Supplier<List<OutgoingRecord>> build;
    List<OutgoingRecord> records; // guarded by the reporter
    int acknowledged; // guarded by the reporter

    Batch(Supplier<List<OutgoingRecord>> build) {
      this.build = build;
    }
  }
}
