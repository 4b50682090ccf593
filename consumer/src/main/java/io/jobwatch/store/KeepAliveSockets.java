package io.jobwatch.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.util.Set;
import javax.net.SocketFactory;
import jdk.net.ExtendedSocketOptions;

/**
 * The PostgreSQL driver's sockets ({@code socketFactory}), with TCP keepalive probes after 30 s of
 * silence, every 10 s, 3 unanswered ending the connection: a server that vanished without closing
 * it (its host died, a failover moved its address, a firewall dropped the flow) is noticed in about
 * a minute, also in the middle of a statement, instead of after the operating system's default two
 * hours of keepalive idle. A statement may run as long as it needs: a live server answers the
 * probes. Where the platform lacks the per-socket options, the system's keepalive applies.
 */
public final class KeepAliveSockets extends SocketFactory {
  static final int IDLE_SECONDS = 30;
  static final int INTERVAL_SECONDS = 10;
  static final int PROBES = 3;

  /** For the driver, which instantiates the factory by its class name. */
  public KeepAliveSockets() {}

  @Override
  public Socket createSocket() throws IOException {
    Socket socket = new Socket();
    keepAlive(socket);
    return socket;
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return connected(new InetSocketAddress(host, port), null);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return connected(
        new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
  }

  private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
    Socket socket = createSocket();
    try {
      if (local != null) {
        socket.bind(local);
      }
      socket.connect(remote);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  static void keepAlive(Socket socket) throws IOException {
    socket.setKeepAlive(true);
    Set<SocketOption<?>> supported = socket.supportedOptions();
    if (supported.contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
      socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, IDLE_SECONDS);
    }
    if (supported.contains(ExtendedSocketOptions.TCP_KEEPINTERVAL)) {
      socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, INTERVAL_SECONDS);
    }
    if (supported.contains(ExtendedSocketOptions.TCP_KEEPCOUNT)) {
      socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, PROBES);
    }
  }
}
