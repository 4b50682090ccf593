package io.jobwatch.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class KeepAliveSocketsTest {
  @Test
  @DisplayName(
      "The driver's sockets probe a silent server after 30 s, every 10 s, and give up after 3"
          + " unanswered probes, unconnected (as the driver asks for them) or connected")
  void socketsProbeASilentServerWithinAMinute() throws Exception {
    KeepAliveSockets factory = new KeepAliveSockets();
    try (Socket unconnected = factory.createSocket()) {
      assertKeepAlive(unconnected);
    }
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket connected =
            factory.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      assertThat(connected.isConnected()).isTrue();
      assertKeepAlive(connected);
    }
  }

  private static void assertKeepAlive(Socket socket) throws Exception {
    assertThat(socket.getKeepAlive()).isTrue();
    // Linux, where jobwatch runs, has the per-socket options.
    assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE)).isEqualTo(30);
    assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL)).isEqualTo(10);
    assertThat(socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT)).isEqualTo(3);
  }
}
