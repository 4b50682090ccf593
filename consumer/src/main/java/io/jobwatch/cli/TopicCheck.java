package io.jobwatch.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Asks the broker whether the topics of spooled records exist, so that a record for a topic that
 * does not exist (a mistyped topic) is moved aside instead of blocking every later command: at once
 * if the broker says it does not create topics on first use, else after the send's metadata wait
 * found no topic (a broker that creates topics would have made it). Only a definite answer counts:
 * a broker that does not answer in time leaves the send to decide. The admin client is made on
 * first use. Used by one thread.
 */
final class TopicCheck implements AutoCloseable {
  /**
   * The longest wait for the broker's answer about one topic; a broker that is up answers in
   * milliseconds. Waited at most once per flush: after one wait goes unanswered, no more.
   */
  static final Duration ANSWER_WAIT = Duration.ofSeconds(2);

  private final Properties properties;
  private final Duration timeout;
  private final Map<String, Boolean> missing = new HashMap<>(); // the broker's answers by topic
  private final Set<String> timedOut = new HashSet<>(); // missing, and a send found no topic
  private Admin admin;
  private boolean unanswered;
  private boolean createsTopicsAsked;
  private Boolean createsTopics; // null: the broker did not say

  TopicCheck(Properties properties, Duration timeout) {
    this.properties = properties;
    this.timeout = timeout;
  }

  /**
   * Why Kafka will never take a record for {@code topic} (it does not exist and the broker does not
   * create topics on first use), or null if it may, or if the broker did not say.
   */
  String refusal(String topic) {
    boolean refused =
        timedOut.contains(topic) || missing(topic) && Boolean.FALSE.equals(createsTopics());
    return refused ? missingReason(topic) : null;
  }

  /**
   * Why a send to {@code topic} that timed out waiting for the topic's metadata failed for good:
   * the broker said the topic does not exist (so it did not create it either); null otherwise.
   */
  String refusalAfterTimeout(String topic) {
    if (Boolean.TRUE.equals(createsTopics)) {
      return null; // the broker makes topics on first use: it failed to now (brokers down, …)
    }
    if (!missing.getOrDefault(topic, false)) {
      return null; // it existed, or the broker did not say: the broker is the problem
    }
    missing.remove(topic); // asked again: the broker may have gone meanwhile, or made the topic
    if (!missing(topic)) {
      return null;
    }
    timedOut.add(topic); // the later records for it are refused without another wait
    // The broker answered and the send's metadata request did not make the topic: it does not
    // create topics, so other missing ones are refused without a wait too (one wait per flush).
    createsTopicsAsked = true;
    createsTopics = false;
    return missingReason(topic);
  }

  private String missingReason(String topic) {
    return "topic "
        + topic
        + " does not exist on Kafka at "
        + properties.getProperty("bootstrap.servers")
        + " (and the broker does not create topics on first use)";
  }

  /** Whether the broker said {@code topic} does not exist; false if it exists or did not say. */
  private boolean missing(String topic) {
    if (missing.containsKey(topic)) {
      return missing.get(topic);
    }
    if (unanswered) {
      return false;
    }
    boolean answer;
    try {
      admin()
          .describeTopics(
              List.of(topic), new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
          .topicNameValues()
          .get(topic)
          .get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      answer = false;
    } catch (ExecutionException e) {
      // Anything else (not authorised to describe it, …) is no definite answer: the send decides.
      answer = e.getCause() instanceof UnknownTopicOrPartitionException;
      unanswered = e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException;
    } catch (TimeoutException | RuntimeException e) {
      unanswered = true;
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    missing.put(topic, answer);
    return answer;
  }

  /**
   * The broker's {@code auto.create.topics.enable}, or null if it does not say (a publisher is
   * rarely allowed to read broker configuration): then a send finds out.
   */
  private Boolean createsTopics() {
    if (createsTopicsAsked) {
      return createsTopics;
    }
    createsTopicsAsked = true;
    try {
      Collection<Node> nodes =
          admin().describeCluster().nodes().get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (nodes.isEmpty()) {
        return null;
      }
      ConfigResource broker =
          new ConfigResource(
              ConfigResource.Type.BROKER, Integer.toString(nodes.iterator().next().id()));
      Config config =
          admin()
              .describeConfigs(List.of(broker))
              .all()
              .get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS)
              .get(broker);
      ConfigEntry entry = config == null ? null : config.get("auto.create.topics.enable");
      createsTopics = entry == null ? null : Boolean.valueOf(entry.value());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      createsTopics = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      createsTopics = null;
    }
    return createsTopics;
  }

  private Admin admin() {
    if (admin == null) {
      admin = Admin.create(properties);
    }
    return admin;
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ZERO);
    }
  }
}
