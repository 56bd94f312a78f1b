import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.S3Backend;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * s3proxy in the bench program's own process: a real S3 server over HTTP on 127.0.0.1, storing a bucket "vault" in a
 * directory, so that a bench measures the S3 code path (HTTP, SigV4, the SDK) without a network. Found by the
 * programs beside it as a multi-file source program (JDK 22+: bench/run-vault-java.sh runs them).
 */
final class LocalS3 implements AutoCloseable {

    private final S3Proxy proxy;
    private final URI endpoint;

    private LocalS3(S3Proxy proxy) {
        this.proxy = proxy;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts s3proxy with its store under {@code dir}. */
    static LocalS3 start(Path dir) throws Exception {
        FilesystemNio2BlobStore store = new FilesystemNio2BlobStore(Files.createDirectories(dir).toString());
        store.createContainer("vault");
        S3Proxy proxy = S3Proxy.builder().blobStore(store).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(5);
        }
        return new LocalS3(proxy);
    }

    /** The port it listens on, on 127.0.0.1. */
    int port() {
        return endpoint.getPort();
    }

    /** A new S3 backend on the bucket, under {@code prefix}. */
    Backend backend(String prefix) {
        return new S3Backend(S3Backend.client(endpoint, Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret"))), "vault", prefix, "s3://vault/" + prefix);
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
