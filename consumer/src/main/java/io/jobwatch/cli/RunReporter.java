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
 * stops sending, and from then on the sender appends the failed record and every later one to the
 * spool at once, in order, so that a run killed outright (SIGKILL, a reboot) during a long command
 * has its {@code job.submitted} and {@code job.started} on disk already. {@link #finish} waits a
 * bounded time for the rest and then appends every record that was neither acknowledged nor spooled
 * to the spool, in order, so each event is either acknowledged by Kafka or in the spool (a record
 * acknowledged after the give-up may be in both; the consumer drops the repeated event id). The
 * spool is written by one thread at a time: the sender only while holding this reporter's lock and
 * before {@link #finish} abandons it. Messages for stderr are collected and returned by {@link
 * #finish}, never printed while the command may be writing to the same stream.
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
  private int spooled; // guarded by this
  private boolean spoolBroken; // guarded by this

  RunReporter(EventPublisher publisher, Spool spool) {
    this.publisher = publisher;
    this.spool = spool.withNotices(this::message);
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
            int flushed = publisher.flush(spool).delivered();
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
        if (abandoned) {
          return;
        }
        if (failed) {
          spoolRest(batch, records);
          return;
        }
      }
      try {
        publisher.send(records.get(i));
      } catch (JobwatchException e) {
        synchronized (this) {
          failed = true;
          problem = e.getMessage();
          if (!Thread.currentThread().isInterrupted()) {
            spoolRest(batch, records); // interrupted: finish is taking over and spools it
          }
        }
        return;
      }
      synchronized (this) {
        if (abandoned) {
          return;
        }
        batch.handled = i + 1;
      }
    }
  }

  /**
   * After a failure, on the sender: appends the records of {@code batch} not yet acknowledged to
   * the spool. Holds the lock, so {@link #finish} sees them either spooled or not at all.
   */
  private void spoolRest(Batch batch, List<OutgoingRecord> records) {
    if (abandoned || spoolBroken || batch.handled == records.size()) {
      return;
    }
    try {
      spool.append(records.subList(batch.handled, records.size()));
      spooled += records.size() - batch.handled;
      batch.handled = records.size();
    } catch (RuntimeException e) {
      spoolBroken = true; // finish tries again with everything left, keeping the order
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
    int spooledBefore;
    synchronized (this) {
      abandoned = true;
      for (Batch batch : batches) {
        List<OutgoingRecord> records = records(batch);
        pending.addAll(records.subList(batch.handled, records.size()));
      }
      if (!done) {
        // the sender's own failure, if any, is only the interrupt
        problem =
            "Kafka did not acknowledge within " + grace.toMillis() + " ms after the command ended";
      }
      spooledBefore = spooled;
    }
    if (!pending.isEmpty()) {
      publisher.giveUp();
    }
    try {
      if (!pending.isEmpty()) {
        spool.append(pending);
      }
      if (spooledBefore + pending.size() > 0) {
        message(
            "jobwatch run: "
                + problem
                + "; spooled "
                + (spooledBefore + pending.size())
                + " events to "
                + spool.file());
      }
    } catch (RuntimeException e) {
      message(
          "jobwatch run: "
              + problem
              + "; could not spool "
              + pending.size()
              + " events: "
              + e.getMessage()
              + (spooledBefore > 0
                  ? " (" + spooledBefore + " earlier ones are in " + spool.file() + ")"
                  : ""));
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
    int handled; // acknowledged or spooled by the sender, in order; guarded by the reporter

    Batch(Supplier<List<OutgoingRecord>> build) {
      this.build = build;
    }
  }
}
