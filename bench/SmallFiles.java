import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A tree of many small text files, as a mail spool holds them: {@code java bench/SmallFiles.java DIR [FILES]}
 * writes FILES (default 200,000) messages of exponentially distributed size (mean ≈4 KB, ≈770 MB in all),
 * 100 to a directory, 50 directories to a parent, from a fixed seed: the same tree on every machine.
 * {@code TREE=small bench/vault-vs-restic.sh} backs it up (docs/performance.md, "Fourteenth session").
 */
public class SmallFiles {

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args[0]);
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        Random rnd = new Random(42);
        String[] words = new String[5_000];
        for (int i = 0; i < words.length; i++) {
            char[] w = new char[2 + rnd.nextInt(9)];
            for (int j = 0; j < w.length; j++) {
                w[j] = (char) ('a' + rnd.nextInt(26));
            }
            words[i] = new String(w);
        }
        Path dir = null;
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < files; i++) {
            if (i % 100 == 0) {
                dir = Files.createDirectories(root.resolve("u%03d/d%04d".formatted(i / 5_000, i / 100)));
            }
            long size = (long) (-Math.log(1 - rnd.nextDouble()) * 4_000);
            text.setLength(0);
            text.append("Subject: ").append(i).append("\n\n");
            while (text.length() < size) {
                text.append(words[rnd.nextInt(words.length)]).append(' ');
            }
            Files.writeString(dir.resolve("m%06d.eml".formatted(i)), text, StandardCharsets.UTF_8);
        }
    }
}
