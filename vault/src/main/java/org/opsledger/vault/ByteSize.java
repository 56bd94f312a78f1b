package org.opsledger.vault;

import java.util.Locale;

/** A number of bytes for people: "575.10 KiB", "1.25 GiB". */
public final class ByteSize {

    private ByteSize() {
    }

    public static String format(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }
}
