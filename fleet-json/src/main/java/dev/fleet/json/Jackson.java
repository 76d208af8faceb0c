package dev.fleet.json;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.util.DefaultIndenter;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.core.util.Separators;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/** The one Jackson configuration the registry is read and written with; both objects are immutable. */
final class Jackson {
  static final JsonMapper MAPPER = JsonMapper.builder()
      // Two "id" keys in one machine would otherwise let the last one win unnoticed.
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      // Streams belong to the caller; read(InputStream) must not close them.
      .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  /** Two-space indent, {@code "key": value}, and '\n' on every platform so files diff cleanly. */
  static final ObjectWriter WRITER = MAPPER.writer().with(prettyPrinter());

  private Jackson() {}

  private static DefaultPrettyPrinter prettyPrinter() {
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    Separators separators = Separators.createDefaultInstance()
        .withObjectNameValueSpacing(Separators.Spacing.AFTER)
        .withObjectEmptySeparator("")
        .withArrayEmptySeparator("");
    return new DefaultPrettyPrinter(separators).withObjectIndenter(indenter).withArrayIndenter(indenter);
  }
}
