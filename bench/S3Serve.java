import java.nio.file.Files;
import java.nio.file.Path;

/**
 * s3proxy (LocalS3) serving a bucket "vault" from a directory until killed, for the shell benches that run the CLI
 * against it (bench/vault-s3-distance.sh). Writes its endpoint's port to the file given.
 *   bench/vault-java.sh S3Serve.java STORE-DIR PORT-FILE
 */
final class S3Serve {
    public static void main(String[] args) throws Exception {
        try (LocalS3 s3 = LocalS3.start(Path.of(args[0]))) {
            Files.writeString(Path.of(args[1]), String.valueOf(s3.port()));
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
