package io.jobwatch.embedded;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The configuration of a single-node KRaft broker (combined broker and controller) sized for tests,
 * the demo and the benchmark; immutable, thread-safe. With {@code saslSsl}, a SASL_SSL listener on
 * {@code saslSslPort} joins the PLAINTEXT one (which brokers and the embedded admin keep using).
 */
record KafkaBrokerSettings(
    Path logDir,
    int brokerPort,
    int controllerPort,
    int saslSslPort,
    KafkaSaslSsl saslSsl,
    boolean autoCreateTopics) {

  static final int NODE_ID = 1;
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final String SASL_SSL_LISTENER = "SASL_SSL";

  KafkaBrokerSettings(Path logDir, int brokerPort, int controllerPort) {
    this(logDir, brokerPort, controllerPort, 0, null, false);
  }

  KafkaBrokerSettings(
      Path logDir, int brokerPort, int controllerPort, int saslSslPort, KafkaSaslSsl saslSsl) {
    this(logDir, brokerPort, controllerPort, saslSslPort, saslSsl, false);
  }

  /** The same broker, creating a topic a client asks for that does not exist (Kafka's default). */
  KafkaBrokerSettings creatingTopicsOnDemand() {
    return new KafkaBrokerSettings(logDir, brokerPort, controllerPort, saslSslPort, saslSsl, true);
  }

  String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  String saslSslBootstrapServers() {
    if (saslSsl == null) {
      throw new IllegalStateException("this broker has no SASL_SSL listener");
    }
    return "127.0.0.1:" + saslSslPort;
  }

  Properties toProperties() {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", String.valueOf(NODE_ID));
    // A static quorum of one voter: nothing to reconfigure, and it elects itself at once.
    props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    props.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://127.0.0.1:"
            + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    props.put("controller.listener.names", CONTROLLER_LISTENER);
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("log.dirs", logDir.toAbsolutePath().toString());
    props.put("num.partitions", "1");
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
    props.put("offsets.topic.replication.factor", "1");
    // Fewer internal partitions make the first consumer group come up much faster.
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("share.coordinator.state.topic.num.partitions", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "2");
    props.put("background.threads", "2");
    if (saslSsl != null) {
      addSaslSslListener(props);
    }
    return props;
  }

  private void addSaslSslListener(Properties props) {
    String address = SASL_SSL_LISTENER + "://127.0.0.1:" + saslSslPort;
    props.put("listeners", props.getProperty("listeners") + "," + address);
    props.put("advertised.listeners", props.getProperty("advertised.listeners") + "," + address);
    props.put(
        "listener.security.protocol.map",
        props.getProperty("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
    String prefix = "listener.name." + SASL_SSL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
    props.put("sasl.enabled.mechanisms", KafkaSaslSsl.MECHANISM);
    props.put(prefix + "sasl.enabled.mechanisms", KafkaSaslSsl.MECHANISM);
    // The server side of SCRAM reads credentials from the cluster metadata; no users listed here.
    props.put(
        prefix + KafkaSaslSsl.MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    props.put(prefix + "ssl.keystore.type", "PEM");
    props.put(prefix + "ssl.keystore.certificate.chain", saslSsl.certificateChainPem());
    props.put(prefix + "ssl.keystore.key", saslSsl.privateKeyPem());
  }
}
