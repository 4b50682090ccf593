package io.jobwatch.core.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.jobwatch.core.Severity;
import java.io.IOError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The default classification against the languages' own class hierarchies, not against a copy of
 * the list: the brief makes the OSError family, failed queuing-system commands and Java's
 * IOException family {@code error} and everything else {@code fatal}.
 */
class ErrorClassifierTest {
  private static final String PYTHON = "/usr/bin/python3";
  private final ErrorClassifier classifier = ErrorClassifier.defaults();

  /** Every public class of the JDK's exported java.* and javax.* packages that is a Throwable. */
  private static Map<String, Class<?>> jdkThrowables() throws IOException {
    Map<String, Class<?>> throwables = new TreeMap<>();
    FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
    for (Module module : ModuleLayer.boot().modules()) {
      String name = module.getName();
      if (!name.startsWith("java.") && !name.startsWith("javax.")) {
        continue;
      }
      Set<String> exported =
          module.getDescriptor().exports().stream()
              .filter(export -> !export.isQualified())
              .map(ModuleDescriptor.Exports::source)
              .collect(Collectors.toSet());
      Path root = jrt.getPath("/modules", name);
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String relative = root.relativize(file).toString();
          if (!relative.endsWith(".class") || relative.contains("$")) {
            continue;
          }
          String className = relative.substring(0, relative.length() - 6).replace('/', '.');
          int dot = className.lastIndexOf('.');
          if (dot < 0 || !exported.contains(className.substring(0, dot))) {
            continue;
          }
          Class<?> type = load(className);
          if (type != null
              && Modifier.isPublic(type.getModifiers())
              && Throwable.class.isAssignableFrom(type)) {
            throwables.put(className, type);
          }
        }
      }
    }
    return throwables;
  }

  private static Class<?> load(String className) {
    try {
      return Class.forName(className, false, ClassLoader.getSystemClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  private static boolean carriesIoFailure(Class<?> type) {
    return IOException.class.isAssignableFrom(type)
        || UncheckedIOException.class.isAssignableFrom(type)
        || IOError.class.isAssignableFrom(type);
  }

  @Test
  void everyIoExceptionOfTheJdkIsAnErrorAndEveryOtherThrowableFatal() throws IOException {
    Map<String, Class<?>> throwables = jdkThrowables();
    List<String> io =
        throwables.entrySet().stream()
            .filter(entry -> carriesIoFailure(entry.getValue()))
            .map(Map.Entry::getKey)
            .toList();
    List<String> others = throwables.keySet().stream().filter(name -> !io.contains(name)).toList();
    // The scan found the JDK, not nothing: java.base alone has dozens of each.
    assertThat(io).contains("java.io.EOFException", "java.nio.file.FileSystemException");
    assertThat(io).hasSizeGreaterThan(60);
    assertThat(others).contains("java.lang.NullPointerException");
    assertThat(others).hasSizeGreaterThan(200);

    assertThat(io)
        .allSatisfy(name -> assertThat(classifier.classify(name)).isEqualTo(Severity.ERROR));
    assertThat(others)
        .allSatisfy(name -> assertThat(classifier.classify(name)).isEqualTo(Severity.FATAL));
  }

  @Test
  void commonJavaIoExceptionsAreErrorsByTheirSimpleNameToo() throws IOException {
    List<String> simpleNames =
        jdkThrowables().entrySet().stream()
            .filter(entry -> carriesIoFailure(entry.getValue()))
            .map(Map.Entry::getKey)
            .filter(
                name ->
                    Stream.of(
                            "java.io.",
                            "java.net.",
                            "java.nio.",
                            "javax.net.ssl.",
                            "java.util.zip.")
                        .anyMatch(name::startsWith))
            .filter(name -> !name.equals("java.io.IOError") && !name.startsWith("java.io.Object"))
            .filter(name -> !name.endsWith("ProtocolException"))
            .filter(name -> !isSerialization(name))
            .map(name -> name.substring(name.lastIndexOf('.') + 1))
            .toList();
    assertThat(simpleNames).contains("EOFException", "SocketTimeoutException", "SSLException");
    assertThat(simpleNames)
        .allSatisfy(name -> assertThat(classifier.classify(name)).isEqualTo(Severity.ERROR));
    assertThat(classifier.classify("NullPointerException")).isEqualTo(Severity.FATAL);
    assertThat(classifier.classify("TimeoutException")).isEqualTo(Severity.FATAL);
  }

  // java.io's serialization exceptions are IOExceptions with names that say nothing of I/O: only
  // their full names are listed.
  private static boolean isSerialization(String name) {
    return Set.of(
            "java.io.InvalidClassException",
            "java.io.InvalidObjectException",
            "java.io.NotActiveException",
            "java.io.NotSerializableException",
            "java.io.OptionalDataException",
            "java.io.StreamCorruptedException",
            "java.io.WriteAbortedException")
        .contains(name);
  }

  /**
   * Python decides: every OSError and SubprocessError subclass of these standard modules (and of
   * requests where it is installed) must be an error under the name a publisher sends ({@code
   * type(e).__name__} for built-ins, {@code module.Name} for the rest, and {@code builtins.Name});
   * every other exception class of the same modules fatal.
   */
  @Test
  void pythonsOsErrorFamilyIsAnErrorAndItsOtherExceptionsFatal() throws Exception {
    String script =
        """
        import builtins, importlib, inspect, subprocess
        modules = [builtins]
        for name in ["socket", "ssl", "select", "shutil", "smtplib", "gzip", "io", "signal",
                     "subprocess", "urllib.error", "http.client", "http.cookiejar", "requests.exceptions"]:
            try:
                modules.append(importlib.import_module(name))
            except ImportError:
                pass
        seen = set()
        for module in modules:
            for name, value in vars(module).items():
                if not inspect.isclass(value) or not issubclass(value, BaseException):
                    continue
                if name.startswith("_") or value.__module__ != module.__name__:
                    continue
                family = issubclass(value, (OSError, subprocess.SubprocessError))
                verdict = "ERROR" if family else "FATAL"
                if module is builtins:
                    sent = [value.__name__, "builtins." + value.__name__]
                else:
                    sent = [value.__module__ + "." + value.__name__]
                for text in sent:
                    if text not in seen:
                        seen.add(text)
                        print(verdict, text)
        """;
    Process python = new ProcessBuilder(PYTHON, "-c", script).redirectErrorStream(true).start();
    String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as(output).isZero();

    List<String> wrong = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (String line : output.strip().split("\n")) {
      String[] verdictAndName = line.split(" ", 2);
      Severity expected = Severity.valueOf(verdictAndName[0]);
      if (expected == Severity.ERROR) {
        errors.add(verdictAndName[1]);
      }
      if (classifier.classify(verdictAndName[1]) != expected) {
        wrong.add(line);
      }
    }
    assertThat(errors)
        .contains(
            "OSError",
            "builtins.ConnectionResetError",
            "socket.gaierror",
            "ssl.SSLError",
            "urllib.error.URLError",
            "shutil.SameFileError",
            "subprocess.CalledProcessError",
            "subprocess.TimeoutExpired");
    assertThat(output).contains("FATAL ValueError", "FATAL http.client.IncompleteRead");
    assertThat(wrong).as("classified against Python's own hierarchy").isEmpty();
  }

  /**
   * requests is not always installed where the tests run: its exception hierarchy as its
   * documentation gives it (every RequestException is an IOError).
   */
  @Test
  void requestsExceptionsAreErrors() {
    assertThat(
            Stream.of(
                "requests.exceptions.RequestException",
                "requests.exceptions.ConnectionError",
                "requests.exceptions.ConnectTimeout",
                "requests.exceptions.ReadTimeout",
                "requests.exceptions.Timeout",
                "requests.exceptions.HTTPError",
                "requests.exceptions.SSLError",
                "requests.exceptions.ProxyError",
                "requests.exceptions.TooManyRedirects",
                "requests.exceptions.ChunkedEncodingError",
                "requests.exceptions.RetryError"))
        .allSatisfy(name -> assertThat(classifier.classify(name)).isEqualTo(Severity.ERROR));
  }

  /**
   * Go has no class hierarchy: what {@code fmt.Sprintf("%T", err)} gives for the standard library's
   * OS, network and process errors (their documentation), and for errors that say nothing of a
   * cause.
   */
  @Test
  void goErrorTypesAsPercentTNamesThem() {
    assertThat(
            Stream.of(
                "*fs.PathError",
                "*os.PathError",
                "*os.LinkError",
                "*os.SyscallError",
                "syscall.Errno",
                "*net.OpError",
                "*net.DNSError",
                "*url.Error",
                "*exec.ExitError",
                "*exec.Error",
                "context.deadlineExceededError"))
        .allSatisfy(name -> assertThat(classifier.classify(name)).isEqualTo(Severity.ERROR));
    assertThat(
            Stream.of(
                "*errors.errorString", "*fmt.wrapError", "*json.SyntaxError", "*strconv.NumError"))
        .allSatisfy(name -> assertThat(classifier.classify(name)).isEqualTo(Severity.FATAL));
  }

  /**
   * Node decides: its system errors have no class of their own ({@code err.name} is {@code Error}),
   * so a Node publisher sends {@code err.code}. Every code Node reports for a failed system call
   * (libuv's, {@code util.getSystemErrorMap()}) or DNS lookup (the {@code dns} module's) must be an
   * error, but the generic {@code EOF} and {@code UNKNOWN}; Node's own error classes stay fatal.
   */
  @Test
  void nodeSystemErrorCodesAreErrorsAndItsErrorClassesFatal() throws Exception {
    String script =
        """
        const util = require("node:util"), dns = require("node:dns");
        const codes = new Set([...util.getSystemErrorMap().values()].map((entry) => entry[0]));
        for (const value of Object.values(dns)) {
          if (typeof value === "string" && /^E[A-Z_]+$/.test(value)) codes.add(value);
        }
        for (const code of codes) console.log(code);
        """;
    Process node;
    try {
      node = new ProcessBuilder("node", "-e", script).redirectErrorStream(true).start();
    } catch (IOException notInstalled) {
      throw new AssertionError("node on the PATH (README: NodePublishersIT)", notInstalled);
    }
    String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(output).isZero();

    List<String> codes = List.of(output.strip().split("\n"));
    assertThat(codes).contains("ENOENT", "EACCES", "ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN");
    List<String> wrong = new ArrayList<>();
    for (String code : codes) {
      Severity expected =
          code.equals("EOF") || code.equals("UNKNOWN") ? Severity.FATAL : Severity.ERROR;
      if (classifier.classify(code) != expected) {
        wrong.add(expected + " " + code);
      }
    }
    assertThat(wrong).as("classified against Node's own system error codes").isEmpty();
    assertThat(Stream.of("Error", "TypeError", "RangeError", "SyntaxError", "AbortError"))
        .allSatisfy(name -> assertThat(classifier.classify(name)).isEqualTo(Severity.FATAL));
  }

  @Test
  void namesOnlyListedInFullDoNotMatchElsewhere() {
    assertThat(classifier.classify("shutil.Error")).isEqualTo(Severity.ERROR);
    assertThat(classifier.classify("binascii.Error")).isEqualTo(Severity.FATAL);
    assertThat(classifier.classify("Error")).isEqualTo(Severity.FATAL);
    assertThat(classifier.classify("java.net.ProtocolException")).isEqualTo(Severity.ERROR);
    assertThat(classifier.classify("org.example.ProtocolException")).isEqualTo(Severity.FATAL);
    assertThat(classifier.classify(null)).isEqualTo(Severity.FATAL);
    assertThat(classifier.classify("NotStarted")).isEqualTo(Severity.ERROR);
  }

  /**
   * The HTTP clients publishers talk to their schedulers' APIs with (the Kubernetes API, Slurm's
   * REST API, cloud batch services) raise their own classes for a refused connection, a timeout or
   * a dropped stream: Apache HttpClient's are IOExceptions outside the JDK, urllib3's (under the
   * Kubernetes Python client and botocore) are the very failures requests turns into its IOError
   * family. They are the service malfunctioning, not a defect of the publisher's code.
   */
  @Test
  void httpClientsNetworkFailuresAreErrors() {
    assertThat(
            Stream.of(
                "org.apache.http.conn.HttpHostConnectException",
                "org.apache.http.conn.ConnectTimeoutException",
                "org.apache.http.NoHttpResponseException",
                "org.apache.hc.client5.http.HttpHostConnectException",
                "org.apache.hc.client5.http.ConnectTimeoutException",
                "org.apache.hc.core5.http.NoHttpResponseException",
                "urllib3.exceptions.ReadTimeoutError",
                "urllib3.exceptions.ConnectTimeoutError",
                "urllib3.exceptions.NewConnectionError",
                "urllib3.exceptions.NameResolutionError",
                "urllib3.exceptions.MaxRetryError",
                "urllib3.exceptions.ProtocolError",
                "botocore.exceptions.ReadTimeoutError",
                "botocore.exceptions.ConnectTimeoutError",
                "botocore.exceptions.EndpointConnectionError",
                "context.DeadlineExceeded"))
        .allSatisfy(
            name -> assertThat(classifier.classify(name)).as(name).isEqualTo(Severity.ERROR));
    // An answer the service gave (AccessDenied, a validation error) and generic names stay fatal.
    assertThat(
            Stream.of(
                "botocore.exceptions.ClientError",
                "botocore.exceptions.ParamValidationError",
                "ProtocolError",
                "org.example.ProtocolError",
                "urllib3.exceptions.LocationParseError",
                "urllib3.exceptions.DecodeError"))
        .allSatisfy(
            name -> assertThat(classifier.classify(name)).as(name).isEqualTo(Severity.FATAL));
  }

  /**
   * Control planes reached over SSH or through a database: paramiko's NoValidConnectionsError is an
   * OSError (socket.error) outside the standard library; a DB-API OperationalError (PEP 249: a
   * disconnect, a database that cannot be reached, "not necessarily under the control of the
   * programmer") is what an Airflow scheduler's or executor's heartbeat raises when its metadata
   * database or Celery broker (kombu) goes away.
   */
  @Test
  void sshAndDatabaseOutagesOfTheControlPlaneAreErrors() {
    assertThat(
            Stream.of(
                "paramiko.ssh_exception.NoValidConnectionsError",
                "sqlalchemy.exc.OperationalError",
                "psycopg2.OperationalError",
                "pymysql.err.OperationalError",
                "kombu.exceptions.OperationalError"))
        .allSatisfy(
            name -> assertThat(classifier.classify(name)).as(name).isEqualTo(Severity.ERROR));
    assertThat(
            Stream.of(
                "sqlalchemy.exc.ProgrammingError",
                "sqlalchemy.exc.IntegrityError",
                "paramiko.ssh_exception.BadHostKeyException"))
        .allSatisfy(
            name -> assertThat(classifier.classify(name)).as(name).isEqualTo(Severity.FATAL));
  }
}
