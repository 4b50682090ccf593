package io.jobwatch.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What {@code jobwatch run} does with the signals meant to stop it, from the moment its command has
 * started until the run is reported: without this the JVM would exit at once (143, 130, 129), leave
 * the command running without its wrapper and never report or spool {@code job.finished}.
 *
 * <ul>
 *   <li>SIGTERM ({@code kill PID}, systemd, {@code timeout}, a host shutdown) is forwarded to the
 *       command and to the processes it started, as {@code timeout} signals its command's process
 *       group ({@link Process#destroy} sends SIGTERM); each one received is forwarded again.
 *   <li>SIGINT and SIGHUP are not fatal to the wrapper and not forwarded: a terminal sends them to
 *       the whole foreground process group (Ctrl-C, hang-up), so the command gets them itself, and
 *       forwarding would deliver them twice, which some programs take as "stop now".
 * </ul>
 *
 * The wrapper then goes on as after any end of the command: it waits for it, reports {@code
 * job.finished} with the command's own status (128+n for a death by signal n), spools what Kafka
 * did not acknowledge and exits with that status, as {@code timeout}, runitor and {@code cronitor
 * exec} do. A signal the JVM was started with ignored (nohup, {@code &} in a script) stays ignored;
 * with {@code -Xrs} the JVM's own handling stays. State is static: signals are per process.
 */
final class RunSignals {
  private static final String[] NAMES = {"TERM", "INT", "HUP"};

  private static Process command; // guarded by RunSignals.class
  private static Map<Signal, SignalHandler> previous; // guarded by RunSignals.class
  private static boolean terminated; // SIGTERM before the command was known; guarded likewise

  private RunSignals() {}

  /**
   * Installs the handlers (once), right before the command starts, so there is no moment when the
   * command runs and a SIGTERM would end the JVM; one that arrives before {@link #forwardTo} is
   * forwarded then.
   */
  static synchronized void install() {
    if (previous != null) {
      return;
    }
    Map<Signal, SignalHandler> replaced = new LinkedHashMap<>();
    Forwarder forwarder = new Forwarder();
    for (String name : NAMES) {
      Signal signal = new Signal(name);
      try {
        replaced.put(signal, Signal.handle(signal, forwarder));
      } catch (IllegalArgumentException e) {
        // -Xrs: the JVM keeps its own handling of this signal
      }
    }
    previous = replaced;
  }

  /** Forwards SIGTERM to {@code process} from now on (and one that came since {@link #install}). */
  static synchronized void forwardTo(Process process) {
    command = process;
    if (terminated) {
      terminated = false;
      stop(process);
    }
  }

  private static synchronized void terminate() {
    if (command != null) {
      stop(command);
    } else if (previous != null) {
      terminated = true;
    }
  }

  /**
   * SIGTERM to the command and to every process under it, as timeout(1) signals its command's
   * process group: a script's running step (tar under backup.sh) must not go on, orphaned, after
   * the run was reported ended. The tree is read first, since the command's end hands its children
   * over to init.
   */
  private static void stop(Process process) {
    List<ProcessHandle> underneath = process.descendants().toList();
    process.destroy();
    underneath.forEach(ProcessHandle::destroy);
  }

  /**
   * Puts the JVM's handlers back (the run is reported: a signal now only ends the JVM a moment
   * before {@code main} would); and for tests, which start runs inside a longer-lived JVM.
   */
  static synchronized void restore() {
    command = null;
    terminated = false;
    if (previous == null) {
      return;
    }
    for (Map.Entry<Signal, SignalHandler> entry : previous.entrySet()) {
      try {
        Signal.handle(entry.getKey(), entry.getValue());
      } catch (IllegalArgumentException e) {
        // as when installing
      }
    }
    previous = null;
  }

  /** Whether the handlers are installed (tests). */
  static synchronized boolean installed() {
    return previous != null;
  }

  /** A class rather than a lambda: nothing more to spin up next to the command's start. */
  private static final class Forwarder implements SignalHandler {
    @Override
    public void handle(Signal signal) {
      if (signal.getName().equals("TERM")) {
        terminate();
      }
    }
  }
}
