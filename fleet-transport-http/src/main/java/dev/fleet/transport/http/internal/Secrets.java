package dev.fleet.transport.http.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random secrets and their hashes: 256 random bits from {@link SecureRandom}, written as URL-safe base64,
 * kept only as SHA-256 hashes and compared in constant time.
 *
 * <p>Thread-safe: stateless apart from the shared {@link SecureRandom}, which is thread-safe.
 */
public final class Secrets {
  /** Bytes of randomness in every secret Fleet makes: 256 bits. */
  public static final int SECRET_BYTES = 32;
  /** The shortest secret accepted from configuration: 22 base64 characters carry 128 bits. */
  public static final int MIN_CONFIGURED_LENGTH = 22;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A new secret of 256 random bits, as 43 URL-safe base64 characters. */
  public static String newSecret() {
    byte[] b = new byte[SECRET_BYTES];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  });

  /** The SHA-256 hash of the secret's UTF-8 bytes. */
  public static byte[] hash(String secret) {
    MessageDigest d = SHA_256.get();
    d.reset();
    return d.digest(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code presented} hashes to {@code storedHash}, compared in constant time; false if either is null. */
  public static boolean matches(String presented, byte[] storedHash) {
    if (presented == null || storedHash == null) {
      return false;
    }
    return MessageDigest.isEqual(hash(presented), storedHash);
  }

  /**
   * Checks a secret given in configuration.
   *
   * @throws IllegalArgumentException if it is shorter than {@link #MIN_CONFIGURED_LENGTH} or has characters
   *     that cannot travel in an Authorization header
   */
  public static String checkConfigured(String what, String secret) {
    if (secret == null) {
      throw new NullPointerException(what + " must not be null");
    }
    if (secret.length() < MIN_CONFIGURED_LENGTH) {
      throw new IllegalArgumentException(what + " is " + secret.length() + " characters long; at least "
          + MIN_CONFIGURED_LENGTH + " (128 bits of base64) are required");
    }
    if (secret.length() > 512 || !secret.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(what + " must be at most 512 printable ASCII characters without spaces");
    }
    return secret;
  }
}
