package dev.fleet.cli.structure;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The classes one class file refers to, read from its constant pool: every class constant (what the code loads,
 * calls, catches or casts to) and every class named in a descriptor or generic signature (field, parameter and
 * return types, type arguments, annotations), so a type used only in a signature counts too.
 */
final class ClassReferences {
  private static final int MAGIC = 0xCAFEBABE;
  /** A class type inside a descriptor or signature: {@code Ljava/util/List<Ldev/fleet/Machine;>;}. */
  private static final Pattern DESCRIBED = Pattern.compile("L([A-Za-z0-9_$/]+)[;<]");

  /** The class's own binary name, slash-separated ({@code dev/fleet/json/RegistryJson}). */
  final String self;
  /** The binary names of the classes referred to, slash-separated, without array dimensions; self included. */
  final Set<String> referenced;

  private ClassReferences(String self, Set<String> referenced) {
    this.self = self;
    this.referenced = referenced;
  }

  static ClassReferences read(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    if (in.readInt() != MAGIC) {
      throw new IOException("not a class file (bad magic number)");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameIndex = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF(); // u2 length + modified UTF-8, exactly readUTF's format
        case 7 -> classNameIndex[i] = in.readUnsignedShort();
        case 8, 16, 19, 20 -> in.readUnsignedShort(); // String, MethodType, Module, Package
        case 15 -> in.skipNBytes(3); // MethodHandle
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
        case 5, 6 -> { // Long and Double take two slots
          in.skipNBytes(8);
          i++;
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    in.readUnsignedShort(); // access flags
    int thisClass = in.readUnsignedShort();

    Set<String> referenced = new TreeSet<>();
    for (int i = 1; i < count; i++) {
      if (classNameIndex[i] != 0) {
        String name = utf8[classNameIndex[i]];
        if (name.startsWith("[")) {
          addDescribed(name, referenced); // an array class: [Ldev/fleet/Machine;
        } else {
          referenced.add(name);
        }
      } else if (utf8[i] != null) {
        addDescribed(utf8[i], referenced);
      }
    }
    return new ClassReferences(utf8[classNameIndex[thisClass]], referenced);
  }

  private static void addDescribed(String text, Set<String> into) {
    Matcher m = DESCRIBED.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
  }

  /** The dotted package of a slash-separated binary class name; "" for the unnamed package. */
  static String packageOf(String binaryName) {
    int slash = binaryName.lastIndexOf('/');
    return slash < 0 ? "" : binaryName.substring(0, slash).replace('/', '.');
  }
}
