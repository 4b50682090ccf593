package io.jobwatch.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A contender that owns a simple poll loop on its own thread; subclasses say what a batch does.
 * {@link #handled} and {@link #ready} are safe from any thread.
 */
abstract class LoopContender implements Contender {
  private static final Logger LOG = LoggerFactory.getLogger(LoopContender.class);
  protected final Delays latency = Delays.process();
  protected final AtomicLong handled = new AtomicLong();
  private volatile boolean ready;
  private volatile boolean stopping;
  private volatile Throwable failure;
  private Thread thread;

  @Override
  public void start(ChildConfig config) {
    open(config);
    KafkaConsumer<byte[], byte[]> consumer = PlainConsumers.subscribe(config, autoCommit());
    thread =
        new Thread(
            () -> {
              try (consumer) {
                while (!stopping) {
                  ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                  ready = ready || !consumer.assignment().isEmpty();
                  if (!records.isEmpty()) {
                    apply(consumer, records);
                  }
                }
              } catch (RuntimeException e) {
                LOG.error("contender loop failed", e);
                failure = e;
              }
            },
            "bench-contender");
    thread.start();
  }

  /** Opens what the batches write to. */
  protected abstract void open(ChildConfig config);

  protected abstract boolean autoCommit();

  /** Handles one poll's records and adds them to {@link #handled} once durable. */
  protected abstract void apply(
      KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records);

  @Override
  public boolean ready() {
    return ready;
  }

  @Override
  public long handled() {
    if (failure != null) {
      throw new IllegalStateException("contender failed", failure);
    }
    return handled.get();
  }

  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeTarget();
  }

  protected void closeTarget() {}
}
