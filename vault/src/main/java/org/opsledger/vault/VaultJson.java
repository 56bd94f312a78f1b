package org.opsledger.vault;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the repository format: records in, records out, nulls left out. */
public final class VaultJson {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private VaultJson() {
    }

    public static byte[] write(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    public static String writeString(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static <T> T read(byte[] json, Class<T> type) {
        return MAPPER.readValue(json, type);
    }

    /**
     * A record of the repository format that says what it lacks of the fields the vault reads in it: one read from a file
     * that lacks any does not parse as the format says (docs/vault-format.md §2), and every command names that file.
     */
    public interface WellFormed {
        /** What is missing or wrong ("no time", "an epoch that is no number"), or null when the record is whole. */
        String lacks();
    }

    /**
     * {@code json}, the content of the file {@code name}, as a {@code type}, checked as a {@link WellFormed} one is; throws a
     * {@link Malformed} that names the file and what is wrong, never the parser's own words (they name Java types), when it
     * does not parse as the format says. A file that authenticates but does not parse stopped every command with
     * "Cannot invoke …" or "Cannot deserialize value of type …", naming no file (a helper's).
     */
    public static <T> T read(String name, byte[] json, Class<T> type) {
        T value;
        try {
            value = MAPPER.readValue(json, type);
        } catch (JacksonException e) {
            throw new Malformed(name, e instanceof tools.jackson.core.exc.StreamReadException ? "it is not JSON"
                    : e.getPath().isEmpty() ? "it is not JSON of the format's shape"
                    : MAPPER.readTree(json).at(pointer(e)).isMissingNode() ? "no " + path(e) // a number the format requires
                    : "its field " + path(e) + " is not of the type the format says");
        }
        String lacks = value == null ? "it is null" : value instanceof WellFormed w ? w.lacks() : null;
        if (lacks != null) {
            throw new Malformed(name, lacks);
        }
        return value;
    }

    /** "epochs.3", "entries[0].started": where in the file the parser stopped. */
    private static String path(JacksonException e) {
        return e.getPath().stream().map(r -> r.getPropertyName() != null ? "." + r.getPropertyName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
    }

    /** The same place as a JSON pointer: "/epochs/3". */
    private static String pointer(JacksonException e) {
        return e.getPath().stream().map(r -> "/" + (r.getPropertyName() != null ? r.getPropertyName() : r.getIndex()))
                .collect(Collectors.joining());
    }

    /** A file that opened (or is plaintext) but does not parse as the format says: "snapshots/ab12… does not parse (no time)". */
    public static final class Malformed extends VaultException {
        private final String problem;

        public Malformed(String name, String why) {
            super(name + " does not parse as the format says (" + why + ")");
            this.problem = getMessage().substring(name.length() + 1);
        }

        /** "does not parse as the format says (no time)": what is wrong, without the file's name. */
        public String problem() {
            return problem;
        }
    }
}
