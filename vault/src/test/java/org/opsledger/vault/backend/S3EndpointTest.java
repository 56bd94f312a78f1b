package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The S3 endpoint comes from the environment: a value that is not an http(s) URL is named by its variable, not echoed. */
class S3EndpointTest {

    @Test
    void anEndpointThatIsNotAnHttpUrlIsOneLineNamingItsVariable() {
        assertThatThrownBy(() -> S3Backend.fromUrl("s3://b/p", Map.of("OPSLEDGER_VAULT_S3_ENDPOINT", "not a url")))
                .isInstanceOf(BackendException.class)
                .hasMessage("OPSLEDGER_VAULT_S3_ENDPOINT is not a URL (Illegal character in path at character 4): give the store's"
                        + " address, as http://host:port or https://host");
        assertThatThrownBy(() -> S3Backend.fromUrl("s3://b/p", Map.of("AWS_ENDPOINT_URL", "ftp://secret:key@store.example")))
                .hasMessage("AWS_ENDPOINT_URL is not an http:// or https:// URL with a host: give the store's address, as"
                        + " http://host:port or https://host")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret"));
        assertThatThrownBy(() -> S3Backend.fromUrl("s3://b/p", Map.of("OPSLEDGER_VAULT_S3_ENDPOINT", "127.0.0.1:9000"))) // no scheme
                .hasMessageStartingWith("OPSLEDGER_VAULT_S3_ENDPOINT is not a URL (");
        assertThatThrownBy(() -> S3Backend.fromUrl("s3://b/p", Map.of("OPSLEDGER_VAULT_S3_ENDPOINT", "http:///vault")))
                .hasMessageStartingWith("OPSLEDGER_VAULT_S3_ENDPOINT is not an http:// or https:// URL with a host");
        try (S3Backend fine = S3Backend.fromUrl("s3://b/p", Map.of("OPSLEDGER_VAULT_S3_ENDPOINT", "http://127.0.0.1:9000",
                "AWS_REGION", "eu-west-1"))) {
            assertThat(fine.location()).isEqualTo("s3://b/p");
        }
    }

    /**
     * A key in the endpoint (user:key@, a query's token) worked against a store, and the first outage printed the whole
     * URL into cron mail (a tester's): it is refused, naming the variable, never its value.
     */
    @Test
    void anEndpointHoldingAKeyOrAQueryIsRefusedUnprinted() {
        for (String url : List.of("http://AKIAOPS:TopSecret99@127.0.0.1:9000", "https://TopSecret99@store.example",
                "http://127.0.0.1:9000/?X-Amz-Security-Token=TopSecret99", "http://127.0.0.1:9000#TopSecret99")) {
            assertThatThrownBy(() -> S3Backend.fromUrl("s3://b/p", Map.of("AWS_ENDPOINT_URL", url))).as(url)
                    .isInstanceOf(BackendException.class)
                    .hasMessage("AWS_ENDPOINT_URL holds a user, a key or a query (user:key@, ?token=): give the store's address alone,"
                            + " as http://host:port or https://host, and the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or a"
                            + " profile (AWS_PROFILE)");
        }
    }

    /** A certificate that names another host than the endpoint's is named so, not "cannot reach the S3 store" (a tester's). */
    @Test
    void aCertificateOfAnotherNameIsNamedSo() {
        var handshake = new javax.net.ssl.SSLHandshakeException("No subject alternative names matching IP address 127.0.0.1 found");
        handshake.initCause(new java.security.cert.CertificateException("No subject alternative names matching IP address 127.0.0.1 found"));
        var failed = software.amazon.awssdk.core.exception.SdkClientException.create("Unable to execute HTTP request", handshake);
        assertThat(S3Backend.certificateRefused(failed, "127.0.0.1")).isEqualTo("the certificate of 127.0.0.1 does not name 127.0.0.1:"
                + " give the endpoint by a name its certificate holds, or have the store's certificate name 127.0.0.1");
        assertThat(S3Backend.certificateRefused(software.amazon.awssdk.core.exception.SdkClientException.create("Unable to execute HTTP"
                + " request", new java.net.ConnectException("Connection refused")), "127.0.0.1")).isNull();
    }

    /**
     * The SDK took AWS_ENDPOINT_URL_S3 and a profile's endpoint_url itself, without the vault's path-style addressing
     * ("unknown host bucket1.localhost"), and with both variables set the vault took AWS_ENDPOINT_URL where the AWS tools
     * take the S3 one (a tester's). Each is read as the vault's own, in the AWS tools' order; one set empty is not set.
     */
    @Test
    void theAwsToolsEndpointSettingsAreReadInTheirOrder(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        assertThat(S3Backend.endpointSetting(Map.of("AWS_ENDPOINT_URL", "http://a:1", "AWS_ENDPOINT_URL_S3", "http://b:2")))
                .isEqualTo(new S3Backend.Setting("AWS_ENDPOINT_URL_S3", "http://b:2"));
        assertThat(S3Backend.endpointSetting(Map.of("OPSLEDGER_VAULT_S3_ENDPOINT", "", "AWS_ENDPOINT_URL", "http://a:1",
                "HOME", tmp.toString()))).isEqualTo(new S3Backend.Setting("AWS_ENDPOINT_URL", "http://a:1"));
        java.nio.file.Path config = java.nio.file.Files.writeString(tmp.resolve("config"),
                "[default]\nregion = us-east-1\n[profile minio]\nendpoint_url = http://localhost:9000\n");
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", config.toString(), "AWS_PROFILE", "minio")))
                .isEqualTo(new S3Backend.Setting("the endpoint_url of the profile minio in " + config, "http://localhost:9000"));
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", config.toString()))).isNull();
        assertThatThrownBy(() -> S3Backend.fromUrl("s3://b/p", Map.of("AWS_CONFIG_FILE", java.nio.file.Files.writeString(config,
                "[profile ops]\nendpoint_url = s3.example:9000\n").toString(), "AWS_PROFILE", "ops")))
                .hasMessageStartingWith("the endpoint_url of the profile ops in " + config + " is not an http:// or https:// URL with a host");

        // localhost: the bucket as a host name, bucket1.localhost, is unknown
        onS3proxy(port -> Map.of("AWS_ENDPOINT_URL_S3", "http://localhost:" + port, "AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_REGION", ""));
    }

    /**
     * A profile's services section ([services NAME], its s3 endpoint_url) was not read, and the SDK took it itself, without
     * path-style addressing; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, with which the AWS tools go to AWS, was not read, and
     * the vault went to AWS_ENDPOINT_URL_S3. Both are read as the AWS CLI reads them; the vault's own
     * OPSLEDGER_VAULT_S3_ENDPOINT is, as the CLI's --endpoint-url, never ignored.
     */
    @Test
    void aServicesSectionIsReadAndConfiguredEndpointsIgnoredAsTheAwsToolsDo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path config = java.nio.file.Files.writeString(tmp.resolve("config"), "[profile minio]\nservices = local\n"
                + "endpoint_url = http://global:1\n[profile quiet]\nservices = local\nignore_configured_endpoint_urls = true\n"
                + "[services local]\ndynamodb =\n  endpoint_url = http://localhost:8000\ns3 =\n  endpoint_url = http://localhost:9000\n");
        String file = config.toString();
        S3Backend.Setting section = new S3Backend.Setting("the s3 endpoint_url of [services local] in " + config, "http://localhost:9000");
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", file, "AWS_PROFILE", "minio"))).as("over the profile's endpoint_url")
                .isEqualTo(section);
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", file, "AWS_PROFILE", "minio", "AWS_ENDPOINT_URL", "http://a:1")))
                .as("the variables first").isEqualTo(new S3Backend.Setting("AWS_ENDPOINT_URL", "http://a:1"));
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", file, "AWS_PROFILE", "minio", "AWS_ENDPOINT_URL_S3", "http://b:2",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"))).as("ignored: AWS").isNull();
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", file, "AWS_PROFILE", "quiet", "AWS_ENDPOINT_URL_S3", "http://b:2")))
                .as("ignored by the profile").isNull();
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", file, "AWS_PROFILE", "quiet",
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"))).as("the variable over the profile").isEqualTo(section);
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", file, "AWS_PROFILE", "quiet", "OPSLEDGER_VAULT_S3_ENDPOINT",
                "http://c:3"))).as("the vault's own, as --endpoint-url").isEqualTo(new S3Backend.Setting("OPSLEDGER_VAULT_S3_ENDPOINT", "http://c:3"));
        java.nio.file.Path upper = java.nio.file.Files.writeString(tmp.resolve("upper"), "[profile minio]\nServices = local\n"
                + "[services local]\nS3 =\n  Endpoint_URL = http://localhost:9000\n"); // the AWS CLI lowers the keys
        assertThat(S3Backend.endpointSetting(Map.of("AWS_CONFIG_FILE", upper.toString(), "AWS_PROFILE", "minio"))).as("keys in any case")
                .isEqualTo(new S3Backend.Setting("the s3 endpoint_url of [services local] in " + upper, "http://localhost:9000"));
        onS3proxy(port -> Map.of("AWS_CONFIG_FILE", java.nio.file.Files.writeString(config, "[default]\nservices = local\n[services local]\n"
                + "s3 =\n  endpoint_url = http://localhost:" + port + "\n").toString(), "HOME", tmp.toString()));
    }

    /** The environment of a command, given the port of the store. */
    private interface Environment {
        Map<String, String> at(int port) throws Exception;
    }

    /** A write and a read of s3://bucket1/repo on s3proxy, at the endpoint the environment {@code env} gives for its port. */
    private static void onS3proxy(Environment env) throws Exception {
        org.gaul.s3proxy.nio2blob.TransientNio2BlobStore store = new org.gaul.s3proxy.nio2blob.TransientNio2BlobStore();
        store.createContainer("bucket1");
        org.gaul.s3proxy.S3Proxy proxy = org.gaul.s3proxy.S3Proxy.builder().blobStore(store).endpoint(java.net.URI.create("http://127.0.0.1:0"))
                .awsAuthentication(org.gaul.s3proxy.auth.AuthenticationType.AWS_V2_OR_V4, "access", "secret").build();
        proxy.start();
        System.setProperty("aws.accessKeyId", "access");
        System.setProperty("aws.secretAccessKey", "secret");
        try {
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(5);
            }
            try (S3Backend s3 = S3Backend.fromUrl("s3://bucket1/repo", env.at(proxy.getPort()))) {
                s3.write("config", new byte[] {7});
                assertThat(s3.read("config")).containsExactly(7);
            }
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
            proxy.stop();
        }
    }

    /** s3proxy stored s3://vault/./ops under ops/ and listed ./ops/: init made a repository no command could open (a helper's). */
    @Test
    void aPrefixWithAnEmptyDotOrDotDotPartIsRefused() {
        for (String url : List.of("s3://b/./ops", "s3://b/x/../ops", "s3://b//ops", "s3://b/ops//web", "s3://b/ops/..")) {
            assertThatThrownBy(() -> S3Backend.fromUrl(url, Map.of())).as(url).isInstanceOf(BackendException.class)
                    .hasMessage("the S3 prefix of " + url + " has an empty, '.' or '..' part, which stores resolve each their own way:"
                            + " name it plainly, as s3://bucket/dir/repo");
        }
        for (String url : List.of("s3://b", "s3://b/", "s3://b/ops/", "s3://b/ops/web-1", "s3://b/o.ps/..web")) {
            try (S3Backend fine = S3Backend.fromUrl(url, Map.of())) {
                assertThat(fine.location()).isEqualTo(url);
            }
        }
    }
}
