package dev.fleet.core.internal.facts;

import java.nio.charset.StandardCharsets;

/** Reads what {@link Out} wrote, with errors that say where a record is short or malformed. Not thread-safe. */
final class In {
  private final byte[] buf;
  private int pos;

  In(byte[] buf) {
    this.buf = buf;
  }

  private void need(int n) {
    if (n < 0 || pos + n > buf.length) {
      throw new IllegalArgumentException("journal record of " + buf.length + " bytes ends early at byte " + pos
          + " (needs " + n + " more)");
    }
  }

  int u8() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  boolean bool() {
    int b = u8();
    if (b > 1) {
      throw new IllegalArgumentException("journal record has " + b + " where a boolean was expected at byte "
          + (pos - 1));
    }
    return b == 1;
  }

  long varint() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = u8();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("journal record has a malformed number at byte " + pos);
  }

  int length() {
    long n = varint();
    if (n > buf.length - pos) {
      throw new IllegalArgumentException("journal record of " + buf.length + " bytes claims " + n
          + " bytes at byte " + pos);
    }
    return (int) n;
  }

  long i64() {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  double f64() {
    return Double.longBitsToDouble(i64());
  }

  byte[] bytes() {
    int n = length();
    byte[] b = new byte[n];
    System.arraycopy(buf, pos, b, 0, n);
    pos += n;
    return b;
  }

  String str() {
    long v = varint();
    long n = v >>> 1;
    boolean ascii = (v & 1) == 0;
    if (n > (buf.length - pos) / (ascii ? 1 : 2)) {
      throw new IllegalArgumentException("journal record of " + buf.length + " bytes claims a string of " + n
          + " characters at byte " + pos);
    }
    int len = (int) n;
    String s;
    if (ascii) {
      s = new String(buf, pos, len, StandardCharsets.ISO_8859_1);
      pos += len;
    } else {
      char[] cs = new char[len];
      for (int i = 0; i < len; i++) {
        cs[i] = (char) (((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF));
        pos += 2;
      }
      s = new String(cs);
    }
    return s;
  }

  String optStr() {
    return u8() == 0 ? null : str();
  }

  void end() {
    if (pos != buf.length) {
      throw new IllegalArgumentException("journal record has " + (buf.length - pos) + " bytes left over after byte "
          + pos);
    }
  }
}
