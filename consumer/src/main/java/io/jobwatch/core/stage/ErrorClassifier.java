package io.jobwatch.core.stage;

import io.jobwatch.core.Severity;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides whether an error class means the service is malfunctioning ({@link Severity#ERROR}: an
 * operating-system, I/O or queuing-system failure) or that the publisher's own code is broken
 * ({@link Severity#FATAL}). Immutable and thread-safe.
 */
public final class ErrorClassifier {

  /**
   * Python's OSError family, a queuing-system command that failed, Java's IOException family, and
   * jobwatch's own {@code NotStarted} (exit code 126 or 127 after a successful submit). A name
   * matches as sent or by its simple name (after the last dot), so only names that mean the same
   * wherever they appear are listed bare; the others ({@code shutil.Error}) only in full.
   *
   * <p>Go: the error types of {@code os}, {@code io/fs}, {@code syscall}, {@code net}, {@code
   * net/url} and {@code os/exec} and the deadline errors, as {@code %T} names them. Python: the
   * built-in OSError classes; every OSError subclass of the standard library (as Python 3.11
   * defines them, {@code socket.timeout} of older versions included) and of {@code requests};
   * {@code subprocess.CalledProcessError} and {@code subprocess.TimeoutExpired} (the command
   * returned non-zero or hung). Java: every public subclass of {@code IOException} in the JDK's
   * exported {@code java.*} and {@code javax.*} packages, with {@code UncheckedIOException} and
   * {@code IOError}, which carry an I/O failure. {@code ErrorClassifierTest} checks the lists
   * against the running JDK's class hierarchy and Python's own.
   */
  public static final Set<String> DEFAULT_ERROR_CLASSES =
      Stream.of(
              // Python built-ins (publishers send them bare or as builtins.X).
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
              // Python standard library, in full.
              "gzip.BadGzipFile",
              "http.client.RemoteDisconnected",
              "http.cookiejar.LoadError",
              "io.UnsupportedOperation",
              "select.error",
              "shutil.Error",
              "shutil.ExecError",
              "shutil.ReadError",
              "shutil.SameFileError",
              "shutil.SpecialFileError",
              "signal.ItimerError",
              "signal.itimer_error",
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
              "socket.error",
              "socket.gaierror",
              "socket.herror",
              "socket.timeout",
              "ssl.CertificateError",
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
              // ... and bare where the name is distinctive.
              "BadGzipFile",
              "RemoteDisconnected",
              "SameFileError",
              "SpecialFileError",
              "SMTPAuthenticationError",
              "SMTPConnectError",
              "SMTPDataError",
              "SMTPException",
              "SMTPHeloError",
              "SMTPNotSupportedError",
              "SMTPRecipientsRefused",
              "SMTPResponseException",
              "SMTPSenderRefused",
              "SMTPServerDisconnected",
              "gaierror",
              "herror",
              "SSLCertVerificationError",
              "SSLEOFError",
              "SSLError",
              "SSLSyscallError",
              "SSLWantReadError",
              "SSLWantWriteError",
              "SSLZeroReturnError",
              "ContentTooShortError",
              "HTTPError",
              "URLError",
              // requests: RequestException is an IOError.
              "requests.exceptions.RequestException",
              "requests.exceptions.HTTPError",
              "requests.exceptions.ConnectionError",
              "requests.exceptions.ProxyError",
              "requests.exceptions.SSLError",
              "requests.exceptions.Timeout",
              "requests.exceptions.ConnectTimeout",
              "requests.exceptions.ReadTimeout",
              "requests.exceptions.URLRequired",
              "requests.exceptions.TooManyRedirects",
              "requests.exceptions.MissingSchema",
              "requests.exceptions.InvalidSchema",
              "requests.exceptions.InvalidURL",
              "requests.exceptions.InvalidHeader",
              "requests.exceptions.InvalidProxyURL",
              "requests.exceptions.ChunkedEncodingError",
              "requests.exceptions.ContentDecodingError",
              "requests.exceptions.StreamConsumedError",
              "requests.exceptions.RetryError",
              "requests.exceptions.UnrewindableBodyError",
              "requests.exceptions.InvalidJSONError",
              "requests.exceptions.JSONDecodeError",
              "RequestException",
              "ConnectTimeout",
              "ReadTimeout",
              "ProxyError",
              "ChunkedEncodingError",
              // Go, as fmt's %T names the error (the pointer's * is dropped before matching): the
              // error types of os, io/fs, syscall, net, net/url and os/exec, and timeouts.
              "fs.PathError",
              "os.PathError",
              "os.LinkError",
              "os.SyscallError",
              "syscall.Errno",
              "net.OpError",
              "net.DNSError",
              "net.AddrError",
              "url.Error",
              "exec.ExitError",
              "exec.Error",
              "context.deadlineExceededError",
              "poll.DeadlineExceededError",
              "PathError",
              "LinkError",
              "SyscallError",
              "Errno",
              "OpError",
              "DNSError",
              "AddrError",
              "ExitError",
              "deadlineExceededError",
              "DeadlineExceededError",
              // A queuing-system command that returned non-zero or did not return.
              "CalledProcessError",
              "TimeoutExpired",
              "SubprocessError",
              // Java, in full.
              "java.io.CharConversionException",
              "java.io.EOFException",
              "java.io.FileNotFoundException",
              "java.io.IOError",
              "java.io.IOException",
              "java.io.InterruptedIOException",
              "java.io.InvalidClassException",
              "java.io.InvalidObjectException",
              "java.io.NotActiveException",
              "java.io.NotSerializableException",
              "java.io.ObjectStreamException",
              "java.io.OptionalDataException",
              "java.io.StreamCorruptedException",
              "java.io.SyncFailedException",
              "java.io.UTFDataFormatException",
              "java.io.UncheckedIOException",
              "java.io.UnsupportedEncodingException",
              "java.io.WriteAbortedException",
              "java.net.BindException",
              "java.net.ConnectException",
              "java.net.HttpRetryException",
              "java.net.MalformedURLException",
              "java.net.NoRouteToHostException",
              "java.net.PortUnreachableException",
              "java.net.ProtocolException",
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
              "java.rmi.AccessException",
              "java.rmi.ConnectException",
              "java.rmi.ConnectIOException",
              "java.rmi.MarshalException",
              "java.rmi.NoSuchObjectException",
              "java.rmi.RemoteException",
              "java.rmi.ServerError",
              "java.rmi.ServerException",
              "java.rmi.ServerRuntimeException",
              "java.rmi.StubNotFoundException",
              "java.rmi.UnexpectedException",
              "java.rmi.UnknownHostException",
              "java.rmi.UnmarshalException",
              "java.rmi.server.ExportException",
              "java.rmi.server.SkeletonMismatchException",
              "java.rmi.server.SkeletonNotFoundException",
              "java.rmi.server.SocketSecurityException",
              "java.util.InvalidPropertiesFormatException",
              "java.util.jar.JarException",
              "java.util.zip.ZipException",
              "javax.annotation.processing.FilerException",
              "javax.imageio.IIOException",
              "javax.imageio.metadata.IIOInvalidTreeException",
              "javax.management.remote.JMXProviderException",
              "javax.management.remote.JMXServerErrorException",
              "javax.net.ssl.SSLException",
              "javax.net.ssl.SSLHandshakeException",
              "javax.net.ssl.SSLKeyException",
              "javax.net.ssl.SSLPeerUnverifiedException",
              "javax.net.ssl.SSLProtocolException",
              "javax.security.sasl.AuthenticationException",
              "javax.security.sasl.SaslException",
              "javax.swing.text.ChangedCharSetException",
              // ... and bare: those of java.io, java.net, java.nio, javax.net.ssl, java.util.zip.
              "CharConversionException",
              "EOFException",
              "FileNotFoundException",
              "IOException",
              "InterruptedIOException",
              "SyncFailedException",
              "UTFDataFormatException",
              "UncheckedIOException",
              "UnsupportedEncodingException",
              "BindException",
              "ConnectException",
              "HttpRetryException",
              "MalformedURLException",
              "NoRouteToHostException",
              "PortUnreachableException",
              "SocketException",
              "SocketTimeoutException",
              "UnknownHostException",
              "UnknownServiceException",
              "HttpConnectTimeoutException",
              "HttpTimeoutException",
              "WebSocketHandshakeException",
              "AsynchronousCloseException",
              "ClosedByInterruptException",
              "ClosedChannelException",
              "FileLockInterruptionException",
              "InterruptedByTimeoutException",
              "CharacterCodingException",
              "MalformedInputException",
              "UnmappableCharacterException",
              "AccessDeniedException",
              "AtomicMoveNotSupportedException",
              "DirectoryNotEmptyException",
              "FileAlreadyExistsException",
              "FileSystemException",
              "FileSystemLoopException",
              "NoSuchFileException",
              "NotDirectoryException",
              "NotLinkException",
              "UserPrincipalNotFoundException",
              "SSLException",
              "SSLHandshakeException",
              "SSLKeyException",
              "SSLPeerUnverifiedException",
              "SSLProtocolException",
              "ZipException",
              "NotStarted")
          .collect(Collectors.toUnmodifiableSet());

  private final Set<String> errorClasses;

  public ErrorClassifier(Set<String> errorClasses) {
    this.errorClasses = Set.copyOf(errorClasses);
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
