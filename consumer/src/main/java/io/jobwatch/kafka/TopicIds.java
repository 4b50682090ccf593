package io.jobwatch.kafka;

import io.jobwatch.config.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics' Kafka ids (KIP-516), which tell a topic deleted and created again under the same name
 * from the one the stored offsets were read in ({@code consumer_topics}, V22). Asked of the brokers
 * through an admin client with the consumer's connection and security settings, created on first
 * use. A lookup blocks the consumer thread for at most about 6 s (it is made when partitions are
 * taken and every 30 s). One that fails (brokers unreachable, no DESCRIBE permission) returns
 * nothing, is logged once, and is not tried again for 30 s: the check is skipped until then, and
 * consumption goes on. Not thread-safe: owned by the consumer thread.
 */
final class TopicIds implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicIds.class);
  static final Duration RECHECK = Duration.ofSeconds(30);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Settings settings;
  private final Clock clock;
  private final Map<String, UUID> verified = new HashMap<>();
  private Admin admin;
  private Instant failedAt;
  private boolean failureLogged;
  private Instant checkedAt;

  TopicIds(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** The current id of each of {@code topics} the brokers know; empty if they cannot be asked. */
  Map<String, UUID> lookup(Collection<String> topics) {
    Instant now = clock.instant();
    if (topics.isEmpty()
        || (failedAt != null && now.isBefore(failedAt.plus(RECHECK)) && !now.isBefore(failedAt))) {
      return Map.of();
    }
    try {
      Map<String, TopicDescription> described =
          admin()
              .describeTopics(
                  Set.copyOf(topics),
                  new DescribeTopicsOptions().timeoutMs((int) TIMEOUT.toMillis()))
              .allTopicNames()
              .get(TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
      Map<String, UUID> ids = new HashMap<>();
      described.forEach(
          (topic, description) -> {
            Uuid id = description.topicId();
            if (id != null && !Uuid.ZERO_UUID.equals(id)) {
              ids.put(topic, new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()));
            }
          });
      failedAt = null;
      failureLogged = false;
      return ids;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      failedAt = now;
      if (!failureLogged) {
        failureLogged = true;
        Throwable cause =
            e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        LOG.warn(
            "could not read the Kafka ids of {} (a topic deleted and created again is recognised"
                + " only once they can be read): {}",
            topics,
            cause.toString());
      }
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  /** Whether {@link #RECHECK} has passed since the last check (cheap: asked at every poll). */
  boolean recheckDue() {
    Instant now = clock.instant();
    return checkedAt == null || !now.isBefore(checkedAt.plus(RECHECK)) || now.isBefore(checkedAt);
  }

  /** The stored offsets of these topics were checked against these ids. */
  void verified(Map<String, UUID> ids) {
    verified.putAll(ids);
    checkedAt = clock.instant();
  }

  /**
   * Every {@link #RECHECK}, the topics among {@code assigned} whose id is not the one their offsets
   * were checked against (deleted and created again while consumed), or that were never checked
   * (the lookup failed when their partitions were taken); otherwise none.
   */
  Set<String> changedSinceVerified(Collection<String> assigned) {
    if (assigned.isEmpty() || !recheckDue()) {
      return Set.of();
    }
    checkedAt = clock.instant();
    Map<String, UUID> current = lookup(assigned);
    Set<String> changed = new java.util.HashSet<>();
    // A topic never verified (its lookup failed when its partitions were taken) is checked now.
    current.forEach(
        (topic, id) -> {
          if (!id.equals(verified.get(topic))) {
            changed.add(topic);
          }
        });
    return changed;
  }

  private Admin admin() {
    if (admin == null) {
      Properties consumer = ConsumerProperties.of(settings);
      Properties properties = new Properties();
      for (String name : AdminClientConfig.configNames()) {
        if (consumer.containsKey(name)) {
          properties.put(name, consumer.get(name));
        }
      }
      properties.put(
          AdminClientConfig.CLIENT_ID_CONFIG, consumer.getProperty("client.id") + "-topics");
      admin = Admin.create(properties);
    }
    return admin;
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
  }
}
