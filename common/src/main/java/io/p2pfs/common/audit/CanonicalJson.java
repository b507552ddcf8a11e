package io.p2pfs.common.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The canonical form of an audit event: the text whose UTF-8 bytes are the leaf of the audit log's Merkle tree.
 *
 * <p>Definition: the event's JSON with every object's members sorted by name (Java
 * {@link String#compareTo}, i.e. UTF-16 code unit order), no whitespace between tokens, strings
 * escaped as Jackson escapes them (control characters, {@code "} and {@code \} only; other
 * characters literal), numbers exactly as they were written (integers in decimal, decimals kept
 * as {@link java.math.BigDecimal} so {@code 1.50} stays {@code 1.50}), array order kept, encoded
 * as UTF-8 when hashed. Duplicate member names are refused rather than resolved, because an
 * audit record must not be ambiguous.
 */
public final class CanonicalJson {

    private static final JsonNodeFactory EXACT = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectMapper READER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .setNodeFactory(EXACT);
    private static final JsonFactory WRITER = new JsonFactory();

    private CanonicalJson() {
    }

    /** Parses JSON text; throws {@link IOException} when it is not (strict, single) JSON. */
    public static JsonNode parse(String text) throws IOException {
        JsonNode node = READER.readTree(text);
        if (node == null || node.isMissingNode()) {
            throw new IOException("empty input");
        }
        return node;
    }

    public static JsonNode parse(byte[] utf8) throws IOException {
        JsonNode node = READER.readTree(utf8);
        if (node == null || node.isMissingNode()) {
            throw new IOException("empty input");
        }
        return node;
    }

    /** The canonical text of a JSON value. */
    public static String of(JsonNode value) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator generator = WRITER.createGenerator(out)) {
            write(value, generator);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonNode node, JsonGenerator out) throws IOException {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
                names.add(it.next());
            }
            names.sort(null);
            out.writeStartObject();
            for (String name : names) {
                out.writeFieldName(name);
                write(node.get(name), out);
            }
            out.writeEndObject();
        } else if (node.isArray()) {
            out.writeStartArray();
            for (JsonNode element : node) {
                write(element, out);
            }
            out.writeEndArray();
        } else if (node.isBigDecimal()) {
            out.writeNumber(node.decimalValue().toString());
        } else {
            READER.writeTree(out, node);
        }
    }
}
