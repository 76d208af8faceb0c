package dev.fleet.transport.http.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises itself (a malformed request line, headers too large, a body over the limit) as RFC 9457
 * {@code application/problem+json}, like every other error of the API, each with a stable {@code type}. A request
 * line whose version is neither {@code HTTP/1.0} nor {@code HTTP/1.1} (Jetty's parser says 505 for {@code HTTP/1.x}
 * and {@code FOO/1.1} alike) is a bad request line: 400, type {@code bad-request-line}.
 *
 * <p>Thread-safe: stateless.
 */
public final class ProblemErrorHandler extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    // A complete request Jetty answers itself still stops its connection's header clock.
    return super.handle(request, response, HeaderDeadline.requestArrived(request, callback));
  }

  /**
   * Every method gets a problem document: Jetty's default answers only GET, POST and HEAD with a body, so a
   * {@code PRI * HTTP/2.0} preface (426) or a PUT Jetty refuses itself would get an empty one.
   */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    Problem p = problem(code, message);
    response.setStatus(p.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    response.write(true, ByteBuffer.wrap(Responses.problemBytes(p)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/problem+json"));
    Problem p = problem(status, reason);
    // Here the status is Jetty's to send, so the document must say the same one.
    Problem same = p.status() == status ? p : new Problem(status, p.type(), p.detail());
    return ByteBuffer.wrap(Responses.problemBytes(same));
  }

  /** The problem a status Jetty chose stands for; its type depends on the status alone, so clients can rely on it. */
  static Problem problem(int code, String message) {
    int status = code >= 400 && code <= 599 ? code : 500;
    String detail = message == null || message.isBlank() ? Problem.title(status) : message;
    if (status == 505) {
      return new Problem(400, "bad-request-line", "the request line must end in HTTP/1.1 or HTTP/1.0 (" + detail
          + ")");
    }
    return new Problem(status, switch (status) {
      case 400 -> "bad-request";
      case 405 -> "method-not-allowed";
      case 408 -> "request-timeout";
      case 411 -> "length-required";
      case 413 -> "too-large";
      case 414 -> "uri-too-long";
      case 415 -> "unsupported-media-type";
      case 417 -> "expectation-failed";
      case 426 -> "upgrade-required";
      case 431 -> "headers-too-large";
      case 500 -> "internal";
      case 501 -> "not-implemented";
      case 503 -> "unavailable";
      default -> "http-" + status;
    }, "the request could not be handled: " + detail);
  }
}
