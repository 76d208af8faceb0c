package dev.fleet.core.internal.facts;

import java.util.Arrays;

/** A growable byte buffer the fact codec writes into. Not thread-safe: one per encoding. */
final class Out {
  private byte[] buf;
  private int size;

  Out(int capacity) {
    buf = new byte[capacity];
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }

  Out u8(int v) {
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  Out bool(boolean v) {
    return u8(v ? 1 : 0);
  }

  /** An unsigned varint: most lengths and counts take one byte. */
  Out varint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
    return this;
  }

  Out i64(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[size++] = (byte) (v >>> (i * 8));
    }
    return this;
  }

  Out f64(double v) {
    return i64(Double.doubleToRawLongBits(v));
  }

  Out bytes(byte[] b) {
    varint(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
    return this;
  }

  /**
   * A string, exactly: ASCII as one byte a character, anything else as UTF-16 code units (so even a lone
   * surrogate, which UTF-8 cannot carry, comes back as it was). The low bit of the length says which.
   */
  Out str(String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      varint((long) n << 1);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[size++] = (byte) s.charAt(i);
      }
      return this;
    }
    varint(((long) n << 1) | 1);
    ensure(2 * n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      buf[size++] = (byte) (c >>> 8);
      buf[size++] = (byte) c;
    }
    return this;
  }

  /** A string that may be absent: a presence byte first. */
  Out optStr(String s) {
    if (s == null) {
      return u8(0);
    }
    u8(1);
    return str(s);
  }

  byte[] toBytes() {
    return Arrays.copyOf(buf, size);
  }
}
