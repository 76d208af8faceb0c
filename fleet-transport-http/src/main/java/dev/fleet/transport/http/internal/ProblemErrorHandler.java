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
 * {@code application/problem+json}, like every other error of the API.
 *
 * <p>Thread-safe: stateless.
 */
public final class ProblemErrorHandler extends ErrorHandler {

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    // A complete request Jetty answers itself still stops its connection's header clock.
    return super.handle(request, response, HeaderDeadline.requestArrived(request, callback));
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    Problem p = problem(code, message);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
    response.write(true, ByteBuffer.wrap(Responses.problemBytes(p)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/problem+json"));
    return ByteBuffer.wrap(Responses.problemBytes(problem(status, reason)));
  }

  private static Problem problem(int code, String message) {
    int status = code >= 400 && code <= 599 ? code : 500;
    String detail = message == null || message.isBlank() ? Problem.title(status) : message;
    return new Problem(status, switch (status) {
      case 400 -> "bad-request";
      case 413 -> "too-large";
      case 431 -> "headers-too-large";
      default -> "http-" + status;
    }, "the request could not be handled: " + detail);
  }
}
