package org.opsledger.inventory.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The canonical forms of the identifiers an item is recognised by, so that what an asset manager
 * types and what a scanner reports compare equal: MAC addresses upper case with colons
 * ({@code 00:1A:2B:3C:4D:5E}), hostnames lower case without a trailing dot, IP addresses in
 * {@link InetAddress#getHostAddress()} form. Parsing never resolves names (no DNS lookups).
 */
final class Identifiers {

    private static final Pattern MAC = Pattern.compile("(?i)[0-9a-f]{2}([:-])[0-9a-f]{2}(\\1[0-9a-f]{2}){4}");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]{2,45}(%[a-z0-9._-]{1,32})?");

    private Identifiers() {
    }

    static Optional<String> mac(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        return MAC.matcher(v).matches() ? Optional.of(v.toUpperCase(Locale.ROOT).replace('-', ':')) : Optional.empty();
    }

    static Optional<String> hostname(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.endsWith(".")) {
            v = v.substring(0, v.length() - 1);
        }
        return HOSTNAME.matcher(v).matches() ? Optional.of(v) : Optional.empty();
    }

    static Optional<String> ipAddress(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (IPV4.matcher(v).matches()) {
            return Optional.of(v);
        }
        if (v.indexOf(':') >= 0 && IPV6.matcher(v).matches()) {
            try {
                // a literal containing ':' is parsed as IPv6 and never looked up
                return Optional.of(InetAddress.getByName(v).getHostAddress().toLowerCase(Locale.ROOT));
            } catch (UnknownHostException | IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
