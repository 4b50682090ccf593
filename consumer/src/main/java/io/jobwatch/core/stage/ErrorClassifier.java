package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether an error class means the service is malfunctioning ({@link Severity#ERROR}: an
 * operating-system, I/O or queuing-system failure) or that the publisher's own code is broken
 * ({@link Severity#FATAL}). Immutable and thread-safe.
 */
public final class ErrorClassifier {

  /**
   * Python's built-in OSError classes, jobwatch's own and Kubernetes' container waiting reasons:
   * bare names, as publishers send them.
   */
  private static final List<String> BARE =
      List.of(
          "OSError",
          "IOError",
          "EnvironmentError",
          "BlockingIOError",
          "BrokenPipeError",
          "ChildProcessError",
          "ConnectionError",
          "ConnectionAbortedError",
          "ConnectionRefusedError",
          "ConnectionResetError",
          "FileExistsError",
          "FileNotFoundError",
          "InterruptedError",
          "IsADirectoryError",
          "NotADirectoryError",
          "PermissionError",
          "ProcessLookupError",
          "TimeoutError",
          "NotStarted",
          // Kubernetes: the reasons a pod's container waits while the kubelet cannot start it
          // (registry, runtime, missing configuration), sent as the class of a start error. Not
          // CrashLoopBackOff (the task's own crashes) nor InvalidImageName (its definition).
          "ErrImagePull",
          "ImagePullBackOff",
          "CreateContainerConfigError",
          "CreateContainerError",
          "RunContainerError");

  /**
   * Node.js: its system errors are plain {@code Error}s, so publishers send {@code err.code}: the
   * codes of a failed system call (libuv's, as {@code util.getSystemErrorMap()} lists them in Node
   * 20) and of a failed DNS lookup (the {@code dns} module's), without the generic {@code EOF} and
   * {@code UNKNOWN}.
   */
  private static final List<String> NODE_SYSTEM_ERROR_CODES =
      List.of(
          "E2BIG",
          "EACCES",
          "EADDRGETNETWORKPARAMS",
          "EADDRINUSE",
          "EADDRNOTAVAIL",
          "EAFNOSUPPORT",
          "EAGAIN",
          "EAI_ADDRFAMILY",
          "EAI_AGAIN",
          "EAI_BADFLAGS",
          "EAI_BADHINTS",
          "EAI_CANCELED",
          "EAI_FAIL",
          "EAI_FAMILY",
          "EAI_MEMORY",
          "EAI_NODATA",
          "EAI_NONAME",
          "EAI_OVERFLOW",
          "EAI_PROTOCOL",
          "EAI_SERVICE",
          "EAI_SOCKTYPE",
          "EALREADY",
          "EBADF",
          "EBADFAMILY",
          "EBADFLAGS",
          "EBADHINTS",
          "EBADNAME",
          "EBADQUERY",
          "EBADRESP",
          "EBADSTR",
          "EBUSY",
          "ECANCELED",
          "ECANCELLED",
          "ECHARSET",
          "ECONNABORTED",
          "ECONNREFUSED",
          "ECONNRESET",
          "EDESTADDRREQ",
          "EDESTRUCTION",
          "EEXIST",
          "EFAULT",
          "EFBIG",
          "EFILE",
          "EFORMERR",
          "EFTYPE",
          "EHOSTDOWN",
          "EHOSTUNREACH",
          "EILSEQ",
          "EINTR",
          "EINVAL",
          "EIO",
          "EISCONN",
          "EISDIR",
          "ELOADIPHLPAPI",
          "ELOOP",
          "EMFILE",
          "EMLINK",
          "EMSGSIZE",
          "ENAMETOOLONG",
          "ENETDOWN",
          "ENETUNREACH",
          "ENFILE",
          "ENOBUFS",
          "ENODATA",
          "ENODEV",
          "ENOENT",
          "ENOMEM",
          "ENONAME",
          "ENONET",
          "ENOPROTOOPT",
          "ENOSPC",
          "ENOSYS",
          "ENOTCONN",
          "ENOTDIR",
          "ENOTEMPTY",
          "ENOTFOUND",
          "ENOTIMP",
          "ENOTINITIALIZED",
          "ENOTSOCK",
          "ENOTSUP",
          "ENOTTY",
          "ENXIO",
          "EOVERFLOW",
          "EPERM",
          "EPIPE",
          "EPROTO",
          "EPROTONOSUPPORT",
          "EPROTOTYPE",
          "ERANGE",
          "EREFUSED",
          "EREMOTEIO",
          "EROFS",
          "ESERVFAIL",
          "ESHUTDOWN",
          "ESOCKTNOSUPPORT",
          "ESPIPE",
          "ESRCH",
          "ETIMEDOUT",
          "ETIMEOUT",
          "ETXTBSY",
          "EUNATCH",
          "EXDEV");

  /** Full names that also match by their simple name, which means the same wherever it appears. */
  private static final List<String> ALSO_BY_SIMPLE_NAME =
      List.of(
          // Python: the standard library and requests.
          "subprocess.CalledProcessError",
          "gzip.BadGzipFile",
          "http.client.RemoteDisconnected",
          "shutil.SameFileError",
          "shutil.SpecialFileError",
          "smtplib.SMTPAuthenticationError",
          "smtplib.SMTPConnectError",
          "smtplib.SMTPDataError",
          "smtplib.SMTPException",
          "smtplib.SMTPHeloError",
          "smtplib.SMTPNotSupportedError",
          "smtplib.SMTPRecipientsRefused",
          "smtplib.SMTPResponseException",
          "smtplib.SMTPSenderRefused",
          "smtplib.SMTPServerDisconnected",
          "socket.gaierror",
          "socket.herror",
          "ssl.SSLCertVerificationError",
          "ssl.SSLEOFError",
          "ssl.SSLError",
          "ssl.SSLSyscallError",
          "ssl.SSLWantReadError",
          "ssl.SSLWantWriteError",
          "ssl.SSLZeroReturnError",
          "urllib.error.ContentTooShortError",
          "urllib.error.HTTPError",
          "urllib.error.URLError",
          "requests.exceptions.RequestException",
          "requests.exceptions.HTTPError",
          "requests.exceptions.ConnectionError",
          "requests.exceptions.ProxyError",
          "requests.exceptions.SSLError",
          "requests.exceptions.ConnectTimeout",
          "requests.exceptions.ReadTimeout",
          "requests.exceptions.ChunkedEncodingError",
          "subprocess.SubprocessError",
          "subprocess.TimeoutExpired",
          // Python HTTP clients beneath requests (the Kubernetes client, botocore): the network
          // failures requests turns into its IOError family, under their own names.
          "urllib3.exceptions.ReadTimeoutError",
          "urllib3.exceptions.ConnectTimeoutError",
          "urllib3.exceptions.NewConnectionError",
          "urllib3.exceptions.NameResolutionError",
          "urllib3.exceptions.MaxRetryError",
          "botocore.exceptions.EndpointConnectionError",
          "botocore.exceptions.ConnectionClosedError",
          "botocore.exceptions.ProxyConnectionError",
          // An OSError outside the standard library: SSH to a queuing system's head node.
          "paramiko.ssh_exception.NoValidConnectionsError",
          // PEP 249's OperationalError (a disconnect, a database or broker out of reach), as an
          // Airflow scheduler's or executor's heartbeat raises it: one meaning in every driver.
          "sqlalchemy.exc.OperationalError",
          "psycopg2.OperationalError",
          "pymysql.err.OperationalError",
          "kombu.exceptions.OperationalError",
          // Go, as fmt's %T names the error type.
          "fs.PathError",
          "os.PathError",
          "os.LinkError",
          "os.SyscallError",
          "syscall.Errno",
          "net.OpError",
          "net.DNSError",
          "net.AddrError",
          "exec.ExitError",
          "context.deadlineExceededError",
          "poll.DeadlineExceededError",
          // Java.
          "java.io.CharConversionException",
          "java.io.EOFException",
          "java.io.FileNotFoundException",
          "java.io.IOError",
          "java.io.IOException",
          "java.io.InterruptedIOException",
          "java.io.SyncFailedException",
          "java.io.UTFDataFormatException",
          "java.io.UncheckedIOException",
          "java.io.UnsupportedEncodingException",
          "java.net.BindException",
          "java.net.ConnectException",
          "java.net.HttpRetryException",
          "java.net.MalformedURLException",
          "java.net.NoRouteToHostException",
          "java.net.PortUnreachableException",
          "java.net.SocketException",
          "java.net.SocketTimeoutException",
          "java.net.UnknownHostException",
          "java.net.UnknownServiceException",
          "java.net.http.HttpConnectTimeoutException",
          "java.net.http.HttpTimeoutException",
          "java.net.http.WebSocketHandshakeException",
          "java.nio.channels.AsynchronousCloseException",
          "java.nio.channels.ClosedByInterruptException",
          "java.nio.channels.ClosedChannelException",
          "java.nio.channels.FileLockInterruptionException",
          "java.nio.channels.InterruptedByTimeoutException",
          "java.nio.charset.CharacterCodingException",
          "java.nio.charset.MalformedInputException",
          "java.nio.charset.UnmappableCharacterException",
          "java.nio.file.AccessDeniedException",
          "java.nio.file.AtomicMoveNotSupportedException",
          "java.nio.file.DirectoryNotEmptyException",
          "java.nio.file.FileAlreadyExistsException",
          "java.nio.file.FileSystemException",
          "java.nio.file.FileSystemLoopException",
          "java.nio.file.NoSuchFileException",
          "java.nio.file.NotDirectoryException",
          "java.nio.file.NotLinkException",
          "java.nio.file.attribute.UserPrincipalNotFoundException",
          "java.rmi.ConnectException",
          "java.rmi.UnknownHostException",
          "java.util.zip.ZipException",
          "javax.net.ssl.SSLException",
          "javax.net.ssl.SSLHandshakeException",
          "javax.net.ssl.SSLKeyException",
          "javax.net.ssl.SSLPeerUnverifiedException",
          "javax.net.ssl.SSLProtocolException",
          // Java: Apache HttpClient 4 and 5, IOExceptions outside the JDK.
          "org.apache.http.conn.HttpHostConnectException",
          "org.apache.http.conn.ConnectTimeoutException",
          "org.apache.http.NoHttpResponseException",
          "org.apache.hc.client5.http.HttpHostConnectException",
          "org.apache.hc.client5.http.ConnectTimeoutException",
          "org.apache.hc.core5.http.NoHttpResponseException");

  /** Full names only: their simple name is generic ({@code shutil.Error}, {@code url.Error}). */
  private static final List<String> ONLY_IN_FULL =
      List.of(
          // Python: the standard library and requests.
          "http.cookiejar.LoadError",
          "io.UnsupportedOperation",
          "select.error",
          "shutil.Error",
          "shutil.ExecError",
          "shutil.ReadError",
          "signal.ItimerError",
          "signal.itimer_error",
          "socket.error",
          "socket.timeout",
          "ssl.CertificateError",
          "requests.exceptions.Timeout",
          "requests.exceptions.URLRequired",
          "requests.exceptions.TooManyRedirects",
          "requests.exceptions.MissingSchema",
          "requests.exceptions.InvalidSchema",
          "requests.exceptions.InvalidURL",
          "requests.exceptions.InvalidHeader",
          "requests.exceptions.InvalidProxyURL",
          "requests.exceptions.ContentDecodingError",
          "requests.exceptions.StreamConsumedError",
          "requests.exceptions.RetryError",
          "requests.exceptions.UnrewindableBodyError",
          "requests.exceptions.InvalidJSONError",
          "requests.exceptions.JSONDecodeError",
          // Go, as fmt's %T names the error type.
          "url.Error",
          "exec.Error",
          // Go's sentinel as publishers name it (%T of it is context.deadlineExceededError).
          "context.DeadlineExceeded",
          // urllib3's dropped connection (requests' ChunkedEncodingError or ConnectionError).
          "urllib3.exceptions.ProtocolError",
          // Java.
          "java.io.InvalidClassException",
          "java.io.InvalidObjectException",
          "java.io.NotActiveException",
          "java.io.NotSerializableException",
          "java.io.ObjectStreamException",
          "java.io.OptionalDataException",
          "java.io.StreamCorruptedException",
          "java.io.WriteAbortedException",
          "java.net.ProtocolException",
          "java.rmi.AccessException",
          "java.rmi.ConnectIOException",
          "java.rmi.MarshalException",
          "java.rmi.NoSuchObjectException",
          "java.rmi.RemoteException",
          "java.rmi.ServerError",
          "java.rmi.ServerException",
          "java.rmi.ServerRuntimeException",
          "java.rmi.StubNotFoundException",
          "java.rmi.UnexpectedException",
          "java.rmi.UnmarshalException",
          "java.rmi.server.ExportException",
          "java.rmi.server.SkeletonMismatchException",
          "java.rmi.server.SkeletonNotFoundException",
          "java.rmi.server.SocketSecurityException",
          "java.util.InvalidPropertiesFormatException",
          "java.util.jar.JarException",
          "javax.annotation.processing.FilerException",
          "javax.imageio.IIOException",
          "javax.imageio.metadata.IIOInvalidTreeException",
          "javax.management.remote.JMXProviderException",
          "javax.management.remote.JMXServerErrorException",
          "javax.security.sasl.AuthenticationException",
          "javax.security.sasl.SaslException",
          "javax.swing.text.ChangedCharSetException");

  private static Set<String> defaultErrorClasses() {
    Set<String> names = new HashSet<>(BARE);
    names.addAll(NODE_SYSTEM_ERROR_CODES);
    names.addAll(ONLY_IN_FULL);
    for (String name : ALSO_BY_SIMPLE_NAME) {
      names.add(name);
      names.add(name.substring(name.lastIndexOf('.') + 1));
    }
    return Set.copyOf(names);
  }

  /**
   * Python's OSError family, a queuing-system command that failed, Java's IOException family, and
   * jobwatch's own {@code NotStarted} (exit code 126 or 127 after a successful submit, or a crash
   * report blamed on the platform with cause not_started). A name matches as sent or by its simple
   * name (after the last dot): only names that mean the same wherever they appear also match by it
   * ({@link #ALSO_BY_SIMPLE_NAME}); the others only in full.
   *
   * <p>Go: the error types of {@code os}, {@code io/fs}, {@code syscall}, {@code net}, {@code
   * net/url} and {@code os/exec} and the deadline errors, as {@code %T} names them. Python: the
   * built-in OSError classes; every OSError subclass of the standard library (as Python 3.11
   * defines them, {@code socket.timeout} of older versions included) and of {@code requests};
   * {@code subprocess.CalledProcessError} and {@code subprocess.TimeoutExpired} (the command
   * returned non-zero or hung). Node.js: the {@code code} of a system or DNS error ({@code ENOENT},
   * {@code ECONNREFUSED}, {@code ENOTFOUND}). Java: every public subclass of {@code IOException} in
   * the JDK's exported {@code java.*} and {@code javax.*} packages, with {@code
   * UncheckedIOException} and {@code IOError}, which carry an I/O failure. HTTP clients' network
   * failures outside the languages' own libraries: Apache HttpClient's IOExceptions, urllib3's and
   * botocore's connection and timeout errors (docs/publishing.md). {@code ErrorClassifierTest}
   * checks the lists against the running JDK's class hierarchy and Python's own.
   */
  public static final Set<String> DEFAULT_ERROR_CLASSES = defaultErrorClasses();

  private final Set<String> errorClasses;

  /**
   * {@code errorClasses} are taken as publishers send them: a Go type with its leading {@code *}
   * (as {@code stage_health.last_error_class} shows it) is the same name without it.
   */
  public ErrorClassifier(Set<String> errorClasses) {
    Set<String> names = new HashSet<>();
    for (String name : errorClasses) {
      names.add(name.startsWith("*") ? name.substring(1) : name);
    }
    this.errorClasses = Set.copyOf(names);
  }

  public static ErrorClassifier defaults() {
    return new ErrorClassifier(DEFAULT_ERROR_CLASSES);
  }

  /**
   * The severity of one error: {@link Severity#ERROR} for the configured family (matched on the
   * full name or on the simple name after the last dot), {@link Severity#FATAL} otherwise.
   */
  public Severity classify(String errorClass) {
    if (errorClass == null) {
      return Severity.FATAL;
    }
    if (errorClass.startsWith("*")) {
      errorClass = errorClass.substring(1); // Go's %T of a pointer: *fs.PathError
    }
    if (errorClasses.contains(errorClass)) {
      return Severity.ERROR;
    }
    String simpleName = errorClass.substring(errorClass.lastIndexOf('.') + 1);
    return errorClasses.contains(simpleName) ? Severity.ERROR : Severity.FATAL;
  }
}
