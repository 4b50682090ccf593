package io.jobwatch.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Asks the broker whether the topics of spooled records exist and may be written, so that a record
 * for a topic that does not exist (a mistyped topic on a broker that does not create topics on
 * first use) is moved aside at once instead of costing the producer's 5 s metadata wait at every
 * command. Only a definite answer counts: a broker that does not answer in time leaves the send to
 * decide. The admin client is made on first use. Used by one thread.
 */
final class TopicCheck implements AutoCloseable {
  /**
   * The longest wait for the broker's answer about one topic; a broker that is up answers in
   * milliseconds. Waited at most once per flush: after one wait goes unanswered, no more.
   */
  static final Duration ANSWER_WAIT = Duration.ofSeconds(2);

  private final Properties properties;
  private final Duration timeout;
  private final Map<String, String> refusals = new HashMap<>(); // topic -> reason, or null if ok
  private Admin admin;
  private boolean unanswered;

  TopicCheck(Properties properties, Duration timeout) {
    this.properties = properties;
    this.timeout = timeout;
  }

  /**
   * Why Kafka will never take a record for {@code topic} (it does not exist, or it may not be
   * written), or null if it may, or if the broker did not say.
   */
  String refusal(String topic) {
    if (refusals.containsKey(topic)) {
      return refusals.get(topic);
    }
    if (unanswered) {
      return null;
    }
    String refusal;
    try {
      admin()
          .describeTopics(
              List.of(topic), new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
          .topicNameValues()
          .get(topic)
          .get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      refusal = null;
    } catch (ExecutionException e) {
      refusal = refusal(topic, e.getCause());
    } catch (TimeoutException | RuntimeException e) {
      unanswered = true;
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    refusals.put(topic, refusal);
    return refusal;
  }

  private String refusal(String topic, Throwable cause) {
    String bootstrap = properties.getProperty("bootstrap.servers");
    if (cause instanceof UnknownTopicOrPartitionException) {
      return "topic "
          + topic
          + " does not exist on Kafka at "
          + bootstrap
          + " (and the broker does not create topics on first use)";
    }
    if (cause instanceof TopicAuthorizationException || cause instanceof InvalidTopicException) {
      return "Kafka at " + bootstrap + " refuses topic " + topic + ": " + cause;
    }
    unanswered = true; // anything else is no definite answer: the sends decide, without waits
    return null;
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
