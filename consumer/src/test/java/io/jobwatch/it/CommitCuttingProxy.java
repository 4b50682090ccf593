package io.jobwatch.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of PostgreSQL that, once armed, cuts a connection right after the server
 * committed a transaction that wrote {@code marker} (a table name, say): the server sends its
 * CommandComplete of the COMMIT, the proxy drops it and closes both sides. The client cannot know
 * whether its transaction committed (the ambiguous commit of a network cut or a failover). The JDBC
 * URL must carry {@code prepareThreshold=0} so that every statement's text crosses the wire. Safe
 * to arm from any thread.
 */
final class CommitCuttingProxy implements AutoCloseable {
  private static final byte[] COMMIT = "COMMIT\0".getBytes(StandardCharsets.ISO_8859_1);

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket listening;
  private final String marker;
  private final AtomicInteger cutsLeft = new AtomicInteger();
  private volatile boolean beforeTheServer;
  private volatile boolean withoutTheAnswer;
  private volatile boolean serverKeepsWaiting;
  private final AtomicInteger cutsDone = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<String> startups = new CopyOnWriteArrayList<>();

  /** Listens on a free port of 127.0.0.1 in front of the database of {@code jdbcUrl}. */
  CommitCuttingProxy(String jdbcUrl, String marker) throws IOException {
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    this.targetHost = uri.getHost();
    this.targetPort = uri.getPort() < 0 ? 5432 : uri.getPort();
    this.marker = marker;
    this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "commit-cutting-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code jdbcUrl} pointed at this proxy, with {@code prepareThreshold=0}. */
  String proxiedUrl(String jdbcUrl) {
    URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery() + "&";
    return "jdbc:postgresql://127.0.0.1:"
        + listening.getLocalPort()
        + uri.getRawPath()
        + "?"
        + query
        + "prepareThreshold=0";
  }

  /**
   * The next {@code count} commits of a transaction that wrote the marker are cut after the server
   * committed them.
   */
  void cutNextCommits(int count) {
    beforeTheServer = false;
    withoutTheAnswer = false;
    serverKeepsWaiting = false;
    cutsLeft.set(count);
  }

  /**
   * The next {@code count} commits of a transaction that wrote the marker reach the server, and the
   * client's side is cut at once, without waiting for the server's answer: a server still busy
   * committing (a synchronous standby, a slow disk) finishes the commit after the client gave up.
   */
  void cutNextCommitsWithoutWaiting(int count) {
    beforeTheServer = false;
    withoutTheAnswer = true;
    serverKeepsWaiting = false;
    cutsLeft.set(count);
  }

  /**
   * The next {@code count} commits of a transaction that wrote the marker are cut before they reach
   * the server, which rolls the transaction back.
   */
  void cutNextCommitsBeforeTheServer(int count) {
    beforeTheServer = true;
    withoutTheAnswer = false;
    serverKeepsWaiting = false;
    cutsLeft.set(count);
  }

  /**
   * The next {@code count} commits of a transaction that wrote the marker never reach the server,
   * and only the client's side is cut: the server sees no end of the connection (a network cut, not
   * a closed socket) and keeps the transaction open, idle, with its locks, until it ends the
   * session itself.
   */
  void cutNextCommitsLeavingTheServerWaiting(int count) {
    beforeTheServer = true;
    withoutTheAnswer = false;
    serverKeepsWaiting = true;
    cutsLeft.set(count);
  }

  /** The startup messages of the connections so far (user, database, application name...). */
  List<String> startups() {
    return List.copyOf(startups);
  }

  /** How many commits were cut. */
  int cutsDone() {
    return cutsDone.get();
  }

  private void accept() {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket server = new Socket(targetHost, targetPort);
        sockets.add(client);
        sockets.add(server);
        Link link = new Link(client, server);
        start(link::clientToServer);
        start(link::serverToClient);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void start(Runnable pump) {
    Thread thread = new Thread(pump, "commit-cutting-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  /** One proxied connection. */
  private final class Link {
    private final Socket client;
    private final Socket server;
    private volatile boolean wroteMarker;
    private volatile boolean cutting;
    private boolean started;

    Link(Socket client, Socket server) {
      this.client = client;
      this.server = server;
    }

    void clientToServer() {
      byte[] buffer = new byte[65536];
      boolean serverKeepsItsSide = false;
      try {
        InputStream in = client.getInputStream();
        OutputStream out = server.getOutputStream();
        for (int read; (read = in.read(buffer)) >= 0; ) {
          String text = new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
          if (!started && text.contains("user\0")) {
            started = true;
            startups.add(text);
          }
          if (text.contains(marker)) {
            wroteMarker = true;
          }
          boolean cutNow = false;
          if (text.contains(new String(COMMIT, StandardCharsets.ISO_8859_1))) {
            if (wroteMarker && cutsLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
              if (beforeTheServer) {
                cutsDone.incrementAndGet();
                if (serverKeepsWaiting) {
                  serverKeepsItsSide = true;
                  client.close();
                }
                return;
              }
              cutNow = withoutTheAnswer;
              cutting = !cutNow;
            }
            wroteMarker = false;
          }
          out.write(buffer, 0, read);
          out.flush();
          if (cutNow) {
            // The server has the COMMIT; only the client's side goes. The server's side stays
            // open until the server answers (the other pump then fails writing to the client).
            cutsDone.incrementAndGet();
            serverKeepsItsSide = true;
            client.close();
            return;
          }
        }
      } catch (IOException e) {
        // The other pump closed the link.
      } finally {
        if (!serverKeepsItsSide) {
          closeBoth();
        }
      }
    }

    void serverToClient() {
      byte[] buffer = new byte[65536];
      StringBuilder answer = new StringBuilder();
      try (InputStream in = server.getInputStream();
          OutputStream out = client.getOutputStream()) {
        for (int read; (read = in.read(buffer)) >= 0; ) {
          if (cutting) {
            // Everything the server says from the COMMIT on is dropped; once it says the COMMIT
            // completed, the transaction is durable on the server and the client hears nothing.
            answer.append(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
            if (answer.indexOf(new String(COMMIT, StandardCharsets.ISO_8859_1)) >= 0) {
              cutsDone.incrementAndGet();
              return;
            }
            continue;
          }
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (IOException e) {
        // The other pump closed the link.
      } finally {
        closeBoth();
      }
    }

    private void closeBoth() {
      for (Socket socket : List.of(client, server)) {
        try {
          socket.close();
        } catch (IOException e) {
          // Already closed.
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    listening.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
