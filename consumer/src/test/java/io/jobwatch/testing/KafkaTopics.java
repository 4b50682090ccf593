package io.jobwatch.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates topics on a broker this JVM does not own (container or external); stateless. */
final class KafkaTopics {

  private static final long READY_TIMEOUT_MILLIS = 30_000;

  private KafkaTopics() {}

  /** Creates {@code name} with replication factor 1 and waits until all partitions have leaders. */
  static void create(String bootstrapServers, String name, int partitions) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
      long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
      while (!hasLeaders(admin, name, partitions)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("Topic " + name + " has no leaders after 30 s");
        }
        Thread.sleep(50);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating topic " + name, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Could not create topic " + name, e.getCause());
    }
  }

  private static boolean hasLeaders(Admin admin, String name, int partitions)
      throws InterruptedException, ExecutionException {
    try {
      TopicDescription description =
          admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
      return description.partitions().size() == partitions
          && description.partitions().stream().allMatch(p -> p.leader() != null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }
}
