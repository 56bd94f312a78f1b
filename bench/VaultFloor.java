import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.opsledger.vault.chunker.Chunker;
import org.opsledger.vault.repository.Repository;

/**
 * The CPU floor of a first backup in the vault's format on this machine: the work every byte needs
 * (cut chunks, HMAC-SHA256 content ID, zstd level 3 where the vault's probe says it pays, AES-256-GCM,
 * SHA-256 of the packs), done stage by stage on one thread with the JDK's and zstd-jni's primitives and
 * nothing else: no files opened, no threads, no index, no JVM start-up. Each stage runs twice and the
 * second (compiled) pass is reported. Divide the sum by the cores to get the shortest wall time the
 * format allows; bench/vault-vs-restic.sh measures the real thing beside restic.
 *
 *   java -cp vault/target/classes:<zstd-jni jar> bench/VaultFloor.java TREE      (bench/vault-floor.sh runs it)
 */
public class VaultFloor {

    public static void main(String[] args) throws Exception {
        Path tree = Path.of(args[0]);
        List<byte[]> files = new ArrayList<>();
        long t = System.nanoTime();
        try (Stream<Path> walk = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted()::iterator) {
                files.add(Files.readAllBytes(p));
            }
        }
        double read = seconds(t);
        long total = files.stream().mapToLong(b -> b.length).sum();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Chunker chunker = new Chunker(secret);

        List<Integer> lengths = new ArrayList<>();
        double cut = 0;
        for (int pass = 0; pass < 2; pass++) {
            lengths.clear();
            t = System.nanoTime();
            for (byte[] f : files) {
                for (int off = 0; off < f.length; ) {
                    int n = chunker.cut(f, off, f.length - off);
                    lengths.add(n);
                    off += n;
                }
            }
            cut = seconds(t);
        }
        List<byte[]> chunks = new ArrayList<>(); // copied outside the timing: the stages below take whole arrays
        int next = 0;
        for (byte[] f : files) {
            for (int off = 0; off < f.length; ) {
                int n = lengths.get(next++);
                chunks.add(off == 0 && n == f.length ? f : java.util.Arrays.copyOfRange(f, off, off + n));
                off += n;
            }
        }

        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
        List<byte[]> unique = new ArrayList<>();
        double ids = 0;
        for (int pass = 0; pass < 2; pass++) {
            Set<String> seen = new HashSet<>();
            unique.clear();
            t = System.nanoTime();
            for (byte[] c : chunks) {
                if (seen.add(java.util.HexFormat.of().formatHex(hmac.doFinal(c)))) {
                    unique.add(c);
                }
            }
            ids = seconds(t);
        }
        long uniqueBytes = unique.stream().mapToLong(b -> b.length).sum();

        ZstdCompressCtx zstd = new ZstdCompressCtx().setLevel(3);
        byte[] out = new byte[(int) Zstd.compressBound(Chunker.MAX_SIZE)];
        List<byte[]> payloads = new ArrayList<>();
        double compress = 0;
        for (int pass = 0; pass < 2; pass++) {
            payloads.clear();
            t = System.nanoTime();
            for (byte[] c : unique) {
                byte[] payload = c;
                if (c.length >= 64 && Repository.worthCompressing(zstd, c, 0, c.length, out)) {
                    long n = zstd.compressByteArray(out, 0, out.length, c, 0, c.length);
                    if (n <= c.length - c.length / 32) {
                        payload = java.util.Arrays.copyOf(out, (int) n);
                    }
                }
                payloads.add(payload);
            }
            compress = seconds(t);
        }
        long stored = payloads.stream().mapToLong(b -> b.length).sum();

        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        SecretKeySpec key = new SecretKeySpec(secret, "AES");
        byte[] sealed = new byte[Chunker.MAX_SIZE + 64];
        byte[] nonce = new byte[12];
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        double seal = 0;
        double packHash = 0;
        for (int pass = 0; pass < 2; pass++) {
            seal = 0;
            packHash = 0;
            long counter = 0;
            for (byte[] p : payloads) {
                long s = System.nanoTime();
                java.nio.ByteBuffer.wrap(nonce).putLong(4, counter++);
                gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
                int n = gcm.doFinal(p, 0, p.length, sealed, 0);
                long h = System.nanoTime();
                sha.update(sealed, 0, n);
                long e = System.nanoTime();
                seal += (h - s) / 1e9;
                packHash += (e - h) / 1e9;
            }
            sha.digest();
        }

        double sum = cut + ids + compress + seal + packHash;
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("tree: %,d bytes in %,d files; %,d chunks, %,d unique bytes, %,d stored after zstd-3%n",
                total, files.size(), chunks.size(), uniqueBytes, stored);
        System.out.printf("read into memory (page cache): %.2f s (not in the floor below)%n", read);
        row("cut chunks (gear)", cut, total);
        row("HMAC-SHA256 content IDs", ids, total);
        row("zstd level 3 (probe, keep if ≥3 % smaller)", compress, uniqueBytes);
        row("AES-256-GCM seal", seal, stored);
        row("SHA-256 of packs", packHash, stored);
        row("sum, one core", sum, total);
        System.out.printf("shortest wall time on %d cores, perfectly shared: %.2f s (%.0f MB/s)%n", cores, sum / cores,
                total / 1e6 / (sum / cores));
    }

    private static void row(String stage, double s, long bytes) {
        System.out.printf("%-44s %6.2f s  %7.0f MB/s%n", stage, s, bytes / 1e6 / s);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
