package org.opsledger.vault.backend;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.opsledger.vault.Cancelled;
import org.opsledger.vault.IoReason;
import org.opsledger.vault.VaultException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockLegalHoldStatus;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A repository under an S3 prefix, on any S3-compatible store (AWS, Ceph, Garage, MinIO).
 * Checksums are computed only when an operation requires them ({@code WHEN_REQUIRED}), so stores
 * without the newer CRC headers work; the one such operation, a legal hold, also carries Content-MD5, and so does
 * every PutObject to a bucket with Object Lock (whose default retention requires a checksum).
 * A PutObject is atomic by the store's contract.
 */
public final class S3Backend implements Backend {

    private final S3Client s3;
    /** The client of PutObject ({@link #uploadClient}): each attempt is abandoned when it makes no progress, not for the time it takes. */
    private final S3Client uploads;
    private final String bucket;
    private final String prefix;
    private final String location;
    private volatile Boolean objectLock;
    private volatile Boolean md5OnPuts;

    public S3Backend(S3Client s3, String bucket, String prefix, String location) {
        this(s3, s3, bucket, prefix, location);
    }

    /** {@code uploads} is the client of PutObject, made by {@link #uploadClient}: {@code s3}'s socket gives up on an upload's answer. */
    public S3Backend(S3Client s3, S3Client uploads, String bucket, String prefix, String location) {
        this.s3 = s3;
        this.uploads = uploads;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        this.location = location;
    }

    /**
     * s3://bucket/prefix; the endpoint comes from {@link #endpointSetting}, the region from AWS_REGION (default us-east-1),
     * credentials from the AWS default chain; a variable set empty is one not set.
     */
    public static S3Backend fromUrl(String url) {
        return fromUrl(url, System.getenv());
    }

    /** As {@link #fromUrl(String)}, with the environment given. */
    static S3Backend fromUrl(String url, java.util.Map<String, String> env) {
        String rest = url.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new BackendException("S3 location needs a bucket: s3://bucket/prefix, got " + url);
        }
        String plain = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (!plain.isEmpty() && java.util.Arrays.stream(plain.split("/", -1)).anyMatch(p -> p.isEmpty() || p.equals(".") || p.equals(".."))) {
            // s3proxy stored s3://b/./ops under ops/ but listed ./ops/: init made a repository no command could open
            throw new BackendException("the S3 prefix of " + url + " has an empty, '.' or '..' part, which stores resolve each their"
                    + " own way: name it plainly, as s3://bucket/dir/repo");
        }
        Setting endpoint = endpointSetting(env);
        URI uri = endpoint == null ? null : endpoint(endpoint.name(), endpoint.value());
        // `export AWS_REGION=$REGION` of an unset REGION: "region must not be blank or empty." named nothing (a tester's)
        Region region = Region.of(set(env, "AWS_REGION") ? env.get("AWS_REGION") : "us-east-1");
        // and an empty AWS_PROFILE was the profile "", where the AWS tools take the default one
        AwsCredentialsProvider credentials = "".equals(env.get("AWS_PROFILE"))
                ? software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().profileName("default").build() : null;
        return new S3Backend(client(uri, region, credentials), uploadClient(uri, region, credentials), bucket, prefix, url);
    }

    /** A setting and where it comes from, as messages name it. */
    record Setting(String name, String value) {
    }

    private static boolean set(java.util.Map<String, String> env, String variable) {
        return env.get(variable) != null && !env.get(variable).isEmpty();
    }

    /**
     * The endpoint of a store other than AWS, or null, as the AWS tools take it (the AWS SDKs and Tools Reference Guide,
     * "Service-specific endpoints"): OPSLEDGER_VAULT_S3_ENDPOINT, the vault's own, as the AWS CLI's --endpoint-url; then,
     * unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's ignore_configured_endpoint_urls) is true,
     * AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the s3 endpoint_url of the profile's services section and the profile's
     * endpoint_url (AWS_PROFILE or default, in AWS_CONFIG_FILE or ~/.aws/config). The SDK used the settings of the config
     * file itself, without the path-style addressing of the vault's ("unknown host bucket1.localhost"); the vault took
     * AWS_ENDPOINT_URL over the S3 one (a tester's), and went to an endpoint the AWS tools were told to ignore.
     */
    /**
     * A setting of a profile or section whatever the case of its name, as the AWS CLI reads the file (its parser lowers
     * keys): `S3 =` / `Endpoint_URL =` sent the AWS CLI to the store named and the vault to AWS itself (a re-tester's).
     */
    private static java.util.Optional<String> property(java.util.Map<String, String> properties, String name) {
        return properties.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(java.util.Map.Entry::getValue).findFirst();
    }

    static Setting endpointSetting(java.util.Map<String, String> env) {
        if (set(env, "OPSLEDGER_VAULT_S3_ENDPOINT")) {
            return new Setting("OPSLEDGER_VAULT_S3_ENDPOINT", env.get("OPSLEDGER_VAULT_S3_ENDPOINT"));
        }
        String profileName = set(env, "AWS_PROFILE") ? env.get("AWS_PROFILE") : "default";
        java.nio.file.Path config = set(env, "AWS_CONFIG_FILE") ? java.nio.file.Path.of(env.get("AWS_CONFIG_FILE"))
                : java.nio.file.Path.of(set(env, "HOME") ? env.get("HOME") : System.getProperty("user.home"), ".aws", "config");
        software.amazon.awssdk.profiles.ProfileFile file = configFile(config);
        var profile = file == null ? java.util.Optional.<software.amazon.awssdk.profiles.Profile>empty() : file.profile(profileName);
        String ignore = set(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") ? env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
                : profile.flatMap(p -> property(p.properties(), "ignore_configured_endpoint_urls")).orElse("false");
        if (ignore.trim().equalsIgnoreCase("true")) {
            return null; // the AWS tools go to AWS, and so does the SDK, which reads the same setting
        }
        for (String variable : List.of("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")) {
            if (set(env, variable)) {
                return new Setting(variable, env.get(variable));
            }
        }
        var services = profile.flatMap(p -> property(p.properties(), "services")).filter(name -> !name.isEmpty());
        var ofServices = services.flatMap(name -> file.getSection("services", name))
                .flatMap(section -> property(section.properties(), "s3.endpoint_url")).filter(v -> !v.isEmpty());
        if (ofServices.isPresent()) {
            return new Setting("the s3 endpoint_url of [services " + services.get() + "] in " + config, ofServices.get());
        }
        return profile.flatMap(p -> property(p.properties(), "endpoint_url")).filter(v -> !v.isEmpty())
                .map(v -> new Setting("the endpoint_url of the profile " + profileName + " in " + config, v)).orElse(null);
    }

    /** The AWS config file at {@code config}, or null: none there, or one that does not parse (the SDK names what is wrong with it when it reads the credentials). */
    private static software.amazon.awssdk.profiles.ProfileFile configFile(java.nio.file.Path config) {
        if (!java.nio.file.Files.isRegularFile(config)) {
            return null;
        }
        try {
            return software.amazon.awssdk.profiles.ProfileFile.builder().content(config)
                    .type(software.amazon.awssdk.profiles.ProfileFile.Type.CONFIGURATION).build();
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    /** The endpoint as an http(s) URL with a host, or a one-line error naming the variable (not its value: it may hold a key). */
    private static URI endpoint(String variable, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new BackendException(variable + " is not a URL (" + e.getReason() + " at character " + (e.getIndex() + 1)
                    + "): give the store's address, as http://host:port or https://host");
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("(?i)https?") || uri.getHost() == null) {
            throw new BackendException(variable + " is not an http:// or https:// URL with a host: give the store's address, as"
                    + " http://host:port or https://host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            // http://KEY:SECRET@host worked, and the first outage printed the whole URL into cron mail (a tester's)
            throw new BackendException(variable + " holds a user, a key or a query (user:key@, ?token=): give the store's address"
                    + " alone, as http://host:port or https://host, and the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                    + " or a profile (AWS_PROFILE)");
        }
        return uri;
    }

    /** The store's address as messages name it: scheme://host:port, never the path of an endpoint, which may hold a token. */
    static String address(URI endpoint) {
        return endpoint.getScheme() + "://" + endpoint.getRawAuthority().substring(endpoint.getRawAuthority().lastIndexOf('@') + 1);
    }

    /** How long the store may be silent: a read's next bytes; an upload's progress ({@link StallWatch}). */
    static final Duration ANSWER = Duration.ofSeconds(Long.getLong("opsledger.vault.s3.answerSeconds", 60));
    /** How long any other call may take, its attempts together. */
    private static final Duration CALL = Duration.ofMinutes(5);
    /** The attempts of a PutObject, each abandoned when it makes no progress for {@link #ANSWER}: a dead store holds an upload minutes, not hours. */
    static final int UPLOAD_ATTEMPTS = 2;

    /**
     * A client for any S3-compatible store; {@code credentials} null means the AWS default chain. The SDK's retries, but
     * none of a certificate TLS refused ({@link CertificatesNotRetried}).
     */
    public static S3Client client(URI endpoint, Region region, AwsCredentialsProvider credentials) {
        return builder(endpoint, region, credentials).httpClientBuilder(http(ANSWER))
                .overrideConfiguration(o -> o.apiCallTimeout(CALL).retryStrategy(new CertificatesNotRetried(AwsRetryStrategy.defaultRetryStrategy())))
                .build();
    }

    /** The client of PutObject, as {@link #client}, whose uploads a {@link StallWatch} of {@link #ANSWER} judges. */
    public static S3Client uploadClient(URI endpoint, Region region, AwsCredentialsProvider credentials) {
        return uploadClient(endpoint, region, credentials, ANSWER, StallWatch.FLOOR);
    }

    /**
     * The client of PutObject: an attempt is abandoned when it makes no progress for {@code stall} at {@code floor} bytes a
     * second ({@link StallWatch}), not for the time it takes (a slow link's pack was cut off while it still drained, a
     * helper's); {@link #UPLOAD_ATTEMPTS} attempts.
     */
    public static S3Client uploadClient(URI endpoint, Region region, AwsCredentialsProvider credentials, Duration stall, long floor) {
        SdkHttpClient.Builder<?> http = http(StallWatch.socketTimeout(stall, floor));
        return builder(endpoint, region, credentials).httpClientBuilder(defaults -> new StallWatch(http.buildWithDefaults(defaults), stall, floor))
                .overrideConfiguration(o -> o.retryStrategy(new CertificatesNotRetried(
                        AwsRetryStrategy.defaultRetryStrategy().toBuilder().maxAttempts(UPLOAD_ATTEMPTS).build()))).build();
    }

    private static UrlConnectionHttpClient.Builder http(Duration socketTimeout) {
        return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)).socketTimeout(socketTimeout);
    }

    private static software.amazon.awssdk.services.s3.S3ClientBuilder builder(URI endpoint, Region region, AwsCredentialsProvider credentials) {
        var b = S3Client.builder()
                .region(region)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                // the one operation here that requires a body checksum, PutObjectLegalHold, also gets the
                // Content-MD5 that S3-compatible stores older than the SDK's CRC32 default ask for
                .addPlugin(LegacyMd5Plugin.create());
        if (credentials != null) {
            b.credentialsProvider(credentials);
        }
        if (endpoint != null) {
            b.endpointOverride(endpoint).serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        }
        return b;
    }

    @Override
    public String location() {
        return location;
    }

    private String key(String name) {
        return prefix + name;
    }

    /** The SDK's word, in its list of the providers it tried, for a profile other than the default that is not there. */
    private static final java.util.regex.Pattern NO_SUCH_PROFILE =
            java.util.regex.Pattern.compile("Profile file contained no credentials for profile '((?!default')[^']*)'");

    private VaultException failure(String what, String name, SdkException e) {
        return failure(what, name, e, -1);
    }

    /** {@link #failure(String, String, SdkException)} of an upload of {@code uploaded} bytes (-1: none), named for what stalled it. */
    private VaultException failure(String what, String name, SdkException e, long uploaded) {
        if (Cancelled.caused(e)) { // AbortedException: the SDK's word for a call its thread's interrupt ended
            return new Cancelled(what.replace("cannot ", "") + " " + location + "/" + name, e);
        }
        String why = firstLine(e.getMessage());
        java.util.regex.Matcher profile = NO_SUCH_PROFILE.matcher(String.valueOf(e.getMessage()));
        if (e instanceof SdkClientException && why.startsWith("Unable to load credentials") && profile.find()) {
            // AWS_PROFILE named one the files do not have: "set … AWS_PROFILE" was said to someone who had set it (a helper's)
            why = "no S3 credentials: the profile " + profile.group(1) + " (AWS_PROFILE) is not in ~/.aws/credentials or ~/.aws/config,"
                    + " or holds no keys there: name a profile that is, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
        } else if (e instanceof SdkClientException && why.startsWith("Unable to load credentials")) { // the SDK then lists every provider it tried
            why = "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE for a profile in ~/.aws/credentials";
        } else if (timeout(e, uploaded) != null) { // a slow link is slow, not unreachable
            why = timeout(e, uploaded);
        } else if (e instanceof SdkClientException && certificateRefused(e, storeHost()) != null) {
            why = certificateRefused(e, storeHost());
        } else if (e instanceof SdkClientException) {
            why = "cannot reach the S3 store (" + clientReason(e, why) + ")";
        } else if (e instanceof S3Exception s3e && s3e.statusCode() == 301) { // PermanentRedirect: AWS names the bucket's region
            String client = s3.serviceClientConfiguration().region().id();
            why = s3e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-bucket-region")
                    .map(region -> "the bucket is in region " + region + ", not " + client + ": set AWS_REGION=" + region)
                    .orElse("the bucket is not in region " + client + " (" + why + "): set AWS_REGION to its region");
        } else if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null && "InvalidObjectState".equals(s3e.awsErrorDetails().errorCode())) {
            // a 403 too: "access denied … check the credentials" sent a recovery chasing keys (a tester's)
            why = "the object is in an archive storage class (GLACIER or DEEP_ARCHIVE: a lifecycle rule moved it there), which"
                    + " cannot be read: restore it from the archive (`aws s3api restore-object`, or the store's own way) and run the"
                    + " command again once it is readable";
        } else if (e instanceof S3Exception s3e && s3e.statusCode() == 403) {
            why = "access denied (" + why + "): check the credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
                    + " and what the bucket's policy allows them";
        } else if (e instanceof S3Exception s3e && notAnS3Store(s3e) != null) { // init lists first: it said "404, Request ID: null" (a re-tester's)
            why = notAnS3Store(s3e);
        } else if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null && "NoSuchBucket".equals(s3e.awsErrorDetails().errorCode())) {
            why = "the store has no bucket " + bucket;
        }
        return new BackendException(what + " " + location + "/" + name + ": " + why, e);
    }

    @Override
    public boolean readFailureIsDamage() {
        return false;
    }

    /** Why {@code e} came from no S3 store (a 404 without x-amz-request-id: every S3 store names its answers), or null. */
    private String notAnS3Store(S3Exception e) {
        if (e.statusCode() != 404 || e.requestId() != null || e.extendedRequestId() != null) {
            return null;
        }
        return "the endpoint " + s3.serviceClientConfiguration().endpointOverride().map(S3Backend::address).orElse("of AWS S3")
                + " did not answer as an S3 store (a 404 without x-amz-request-id): check OPSLEDGER_VAULT_S3_ENDPOINT (or"
                + " AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's services section or endpoint_url)";
    }

    @Override
    public String missingStore() {
        try {
            s3.headBucket(r -> r.bucket(bucket));
            return null;
        } catch (S3Exception e) {
            if (notAnS3Store(e) != null) {
                return notAnS3Store(e);
            }
            return e.statusCode() == 404 ? "the store has no bucket " + bucket : null;
        } catch (SdkException e) {
            return null; // unreachable now: the HEAD of the config said so already, or will next time
        }
    }

    /**
     * What timed out, or null: an upload of {@code uploaded} bytes (-1: not an upload) that made no progress ({@link StallWatch}),
     * or whose answer did not come, or a store that stopped sending.
     */
    static String timeout(SdkException e, long uploaded) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StallWatch.Stalled) {
                return t.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException && !String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect")) {
                return uploaded >= 0 ? "the store did not answer within " + StallWatch.socketTimeout(ANSWER, StallWatch.FLOOR).toSeconds() + " s after the"
                        + " upload of " + uploaded + " bytes; check the store's health"
                        : "the store sent nothing for " + ANSWER.toSeconds() + " s; check the store's health and the link";
            }
        }
        return null;
    }

    /**
     * What the client's failure was, in the words an operator acts on: the SDK's "Received an UnknownHostException …
     * See cause for the exact endpoint" never named the host, and its cause was not shown (a helper's).
     */
    private static String clientReason(SdkException e, String why) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof java.net.ConnectException) {
                String said = firstLine(t.getMessage());
                return said.equalsIgnoreCase("connection refused") ? "connection refused" : "connection refused: " + said;
            }
        }
        return why.startsWith("Could not parse") ? "its answer did not parse: " + why : why;
    }

    /** The host of the endpoint, or AWS's. */
    private String storeHost() {
        return s3.serviceClientConfiguration().endpointOverride().map(URI::getHost).orElse("the AWS S3 endpoint");
    }

    /**
     * Why TLS refused {@code host}'s certificate, in the words an operator acts on, or null: it read "cannot reach the S3
     * store (… PKIX path building failed: sun.security…)" with no word of trust nor of the remedy (a tester's).
     */
    static String certificateRefused(SdkException e, String host) {
        Throwable refusal = CertificatesNotRetried.refusal(e);
        if (refusal == null) {
            return null;
        }
        String said = String.valueOf(refusal.getMessage());
        if (refusal instanceof java.security.cert.CertificateException && (said.startsWith("No subject alternative") || said.startsWith("No name matching"))) {
            return "the certificate of " + host + " does not name " + host + ": give the endpoint by a name its certificate"
                    + " holds, or have the store's certificate name " + host;
        }
        return "the certificate of " + host + " is not trusted: put the CA that signed it in a trust store and give it to the"
                + " vault, OPSLEDGER_JAVA_OPTS=\"-Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStorePassword=PASSWORD\""
                + " (docs/operations.md; AWS_CA_BUNDLE is not read)";
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse(s);
    }

    @Override
    public String refusesNewRepository() {
        String plain = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
        try {
            for (int cut = plain.lastIndexOf('/'); plain.length() > 0; cut = plain.lastIndexOf('/', cut - 1)) {
                String above = cut < 0 ? "" : plain.substring(0, cut + 1);
                if (objectExists(above + "config") && objectExists(above + "keyring")) {
                    return "repository location " + location + " is inside the vault repository s3://" + bucket + "/" + above
                            + ": the commands of each would take the other's files for their own; choose a location outside it";
                }
                if (cut < 0) {
                    break;
                }
            }
            var first = s3.listObjectsV2(r -> r.bucket(bucket).prefix(prefix).maxKeys(100)).contents().stream()
                    .filter(o -> !o.key().endsWith("/")).findFirst(); // a folder marker is no object of a repository (list)
            if (first.isPresent()) {
                return "repository location " + location + " holds objects already (first: " + first.get().key()
                        + "): a repository needs " + (prefix.isEmpty() ? "a bucket" : "a prefix") + " of its own; choose an empty one"
                        + " (what a failed `vault init` left there may be deleted)";
            }
        } catch (SdkException e) {
            throw failure("cannot list", "", e);
        }
        return null;
    }

    /** Whether the bucket holds {@code key} (a HEAD; 404 is no); other failures are the caller's to name. */
    private boolean objectExists(String key) {
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public boolean exists(String name) {
        try {
            return objectExists(key(name));
        } catch (SdkException e) {
            throw failure("cannot stat", name, e);
        }
    }

    /**
     * GETs of one object whose body broke off (a reset, "Premature EOF") before it is given up: the SDK retries a 503 or
     * a refused connection itself, but not a body read after the call returned, and check called such a pack damaged.
     */
    static final int BODY_ATTEMPTS = 4;

    @Override
    public byte[] read(String name) {
        for (int attempt = 1; ; attempt++) {
            try (var in = s3.getObject(r -> r.bucket(bucket).key(key(name)))) {
                Long size = in.response().contentLength();
                if (size != null && size > Largest.of(name)) {
                    in.abort(); // not the rest of a stray file over the network
                    Largest.check(name, size);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                if (Cancelled.caused(e)) {
                    throw new Cancelled("reading " + location + "/" + name, e); // not a body that broke off: no second attempt
                }
                if (attempt < BODY_ATTEMPTS) {
                    continue;
                }
                throw new BackendException("cannot read " + name + " in " + location + ": " + e.getMessage() + " (" + attempt + " attempts)", e);
            } catch (NoSuchKeyException e) {
                throw new MissingFileException(String.valueOf(location), name, e);
            } catch (SdkException e) {
                throw failure("cannot read", name, e);
            }
        }
    }

    @Override
    public byte[] readRange(String name, long offset, int length) {
        try {
            byte[] b = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key(name))
                    .range("bytes=" + offset + "-" + (offset + length - 1))).asByteArray();
            if (b.length != length) {
                throw new BackendException("short read in " + name + " at " + offset);
            }
            return b;
        } catch (NoSuchKeyException e) {
            throw new MissingFileException(String.valueOf(location), name, e);
        } catch (SdkException e) {
            throw failure("cannot read", name, e);
        }
    }

    @Override
    public java.io.InputStream stream(String name) {
        return new Resuming(name);
    }

    /** An object's body that, when it breaks off, is asked for again from where it broke (a ranged GET), up to {@link #BODY_ATTEMPTS} times. */
    private final class Resuming extends java.io.InputStream {
        private final String name;
        private software.amazon.awssdk.core.ResponseInputStream<?> in;
        private long position;
        private int attempts = 1;

        Resuming(String name) {
            this.name = name;
            this.in = from(0);
        }

        private software.amazon.awssdk.core.ResponseInputStream<?> from(long offset) {
            try {
                return s3.getObject(r -> r.bucket(bucket).key(key(name)).range(offset == 0 ? null : "bytes=" + offset + "-"));
            } catch (NoSuchKeyException e) {
                throw new MissingFileException(String.valueOf(location), name, e);
            } catch (SdkException e) {
                throw failure("cannot read", name, e);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                try {
                    int n = in.read(b, off, len);
                    position += Math.max(n, 0);
                    return n;
                } catch (IOException e) {
                    if (Cancelled.caused(e) || attempts++ >= BODY_ATTEMPTS) {
                        throw new IOException(e.getMessage() + " (" + BODY_ATTEMPTS + " attempts)", e);
                    }
                    in.abort();
                    in = from(position);
                } catch (SdkException e) {
                    throw failure("cannot read", name, e); // a read the interrupt ended (AbortedException) escaped check as itself (a helper's)
                }
            }
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
            } catch (SdkException e) {
                throw failure("cannot read", name, e); // its end drained on an interrupted thread
            }
        }
    }

    @Override
    public long size(String name) {
        try {
            return s3.headObject(r -> r.bucket(bucket).key(key(name))).contentLength();
        } catch (SdkException e) {
            throw failure("cannot stat", name, e);
        }
    }

    /**
     * Whether each PutObject carries Content-MD5: AWS refuses a PutObject without a checksum on a bucket with Object Lock
     * default retention ("Content-MD5 OR x-amz-checksum- HTTP header is required", a helper's), so on a bucket with Object
     * Lock, or one whose configuration cannot be read, it is sent; elsewhere the digest is not computed.
     */
    private boolean md5OnPuts() {
        Boolean known = md5OnPuts;
        if (known == null) {
            try {
                known = supportsLegalHold();
            } catch (BackendException e) {
                known = true; // cannot tell: a digest is cheap, a refused pack is not
            }
            md5OnPuts = known;
        }
        return known;
    }

    /** A new MD5 digest, for a Content-MD5 header. */
    private static java.security.MessageDigest md5() {
        try {
            return java.security.MessageDigest.getInstance("MD5");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
    }

    @Override
    public void write(String name, byte[] data, int off, int len) {
        try {
            String contentMd5 = null;
            if (md5OnPuts()) {
                var md5 = md5();
                md5.update(data, off, len);
                contentMd5 = java.util.Base64.getEncoder().encodeToString(md5.digest());
            }
            String checksum = contentMd5;
            uploads.putObject(r -> r.bucket(bucket).key(key(name)).contentLength((long) len).contentMD5(checksum),
                    RequestBody.fromByteBuffer(java.nio.ByteBuffer.wrap(data, off, len)));
        } catch (SdkException e) {
            throw failure("cannot write", name, e, len);
        }
    }

    /**
     * Spools to a temporary local file (java.io.tmpdir) and uploads it with one PutObject on commit,
     * so a pack is never held whole in the heap; the object appears whole or not at all. The file is unlinked as soon as it
     * is open, as restic's are: the spool of a backup killed with SIGKILL (no close runs) stayed in /tmp for good, 11 MB of
     * it each time (a helper's). It is written and read back through the one open channel.
     */
    @Override
    public Upload upload() {
        java.nio.channels.FileChannel ch;
        java.nio.file.Path tmp = null;
        try {
            tmp = java.nio.file.Files.createTempFile("opsledger-upload-", ".tmp"); // owner-only
            ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE);
            java.nio.file.Files.delete(tmp);
        } catch (java.io.IOException e) {
            if (tmp != null) {
                try {
                    java.nio.file.Files.deleteIfExists(tmp);
                } catch (java.io.IOException ignored) {
                    // nothing more to do: it is empty
                }
            }
            throw new BackendException("cannot create a temporary file for an upload to " + location + ": " + IoReason.of(e), e);
        }
        java.io.OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 256 * 1024);
        String spool = System.getProperty("java.io.tmpdir");
        java.security.MessageDigest md5 = md5OnPuts() ? md5() : null; // computed while spooling
        return new Upload() {
            @Override
            public void write(byte[] data, int off, int len) {
                try {
                    if (md5 != null) {
                        md5.update(data, off, len);
                    }
                    out.write(data, off, len);
                } catch (java.io.IOException e) {
                    throw spoolFailure(e);
                }
            }

            @Override
            public void commit(String name) {
                long size = -1;
                try {
                    out.flush();
                    size = ch.size();
                    long bytes = size;
                    // each attempt of the SDK reads the spool from its start
                    String checksum = md5 == null ? null : java.util.Base64.getEncoder().encodeToString(md5.digest());
                    uploads.putObject(r -> r.bucket(bucket).key(key(name)).contentMD5(checksum),
                            RequestBody.fromContentProvider(() -> new SpoolStream(ch, bytes), bytes, "application/octet-stream"));
                } catch (java.io.IOException e) {
                    throw spoolFailure(e);
                } catch (SdkException e) {
                    throw failure("cannot write", name, e, size);
                } finally {
                    close();
                }
            }

            /** The spool's channel closed by the thread's interrupt is a cancelled job, as LocalBackend's, not a failure of the disk. */
            private VaultException spoolFailure(java.io.IOException e) {
                if (Cancelled.caused(e)) {
                    return new Cancelled("spooling an upload to " + location, e);
                }
                return new BackendException("cannot spool an upload in " + spool + ": " + IoReason.of(e), e);
            }

            @Override
            public void close() {
                try {
                    out.close(); // and the channel: the unlinked file's blocks are freed
                } catch (java.io.IOException ignored) {
                    // a temporary file of the local machine, already unlinked; nothing in the repository refers to it
                }
            }
        };
    }

    /** The spool's bytes from its start, read by position: each read of an upload's attempts is one of these. */
    private static final class SpoolStream extends java.io.InputStream {
        private final java.nio.channels.FileChannel ch;
        private final long size;
        private long pos;

        SpoolStream(java.nio.channels.FileChannel ch, long size) {
            this.ch = ch;
            this.size = size;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (pos >= size) {
                return -1;
            }
            int n = ch.read(java.nio.ByteBuffer.wrap(b, off, (int) Math.min(len, size - pos)), pos);
            if (n > 0) {
                pos += n;
            }
            return n;
        }
    }

    @Override
    public void delete(String name) {
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key(name)));
        } catch (SdkException e) {
            throw failure("cannot delete", name, e);
        }
    }

    @Override
    public List<String> list(String dir) {
        return new ArrayList<>(listSizes(dir).keySet());
    }

    /**
     * The most objects one listing takes: data/ of ten million packs (160 TiB of 16 MiB packs, whose index alone would
     * need tens of GiB of heap, §6) is past any repository the vault can open; a store that lists more is not listing one.
     */
    static final long MAX_LISTED = 10_000_000;

    @Override
    public java.util.SortedMap<String, Long> listSizes(String dir) {
        return listSizes(dir, MAX_LISTED);
    }

    /**
     * {@link #listSizes(String)} page by page, where the SDK's paginator asked again for as long as a store answered
     * "truncated": one repeating its continuation token (or listing new keys on every page) held every command forever,
     * its memory growing (a tester's hostile store; IS.012 6.6.6, a store of another party). A repeated token, a
     * truncated page without one, or more than {@code most} objects ends the listing with an error. So does a key
     * outside the prefix asked for, or one not after the key before it in S3's order (UTF-8 bytes, ascending): they
     * were taken as they came, and `team-a/index/…` listed under snapshots/ read as a snapshot file, `team-b/index/…`
     * as team-a's own index/ file ({@link #listOrderProblem}). Refused, not skipped: a listing that holds what was
     * not asked for, or is out of the order continuation depends on, cannot be trusted to be whole either, and what a
     * listing leaves out, prune deletes the data of and repair takes for lost.
     */
    java.util.SortedMap<String, Long> listSizes(String dir, long most) {
        String asked = key(dir) + "/";
        for (int attempt = 1; ; attempt++) {
            java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
            try {
                java.util.Set<String> tokens = new java.util.HashSet<>();
                String token = null;
                long listed = 0;
                String last = null;
                do {
                    String from = token;
                    var page = s3.listObjectsV2(r -> r.bucket(bucket).prefix(asked).continuationToken(from));
                    listed += page.contents().isEmpty() ? 1 : 0; // an empty page with a new token each time is as endless
                    token = page.nextContinuationToken();
                    if (Boolean.TRUE.equals(page.isTruncated()) && (token == null || token.isEmpty())) {
                        // the paginator stopped there: a snapshot left unlisted is one whose packs a prune deletes
                        throw new BackendException("cannot list " + location + "/" + dir + ": the store said its listing goes on"
                                + " but gave no continuation token");
                    }
                    if (token != null && !tokens.add(token)) { // before its keys: a page again is its keys again
                        throw new BackendException("cannot list " + location + "/" + dir + ": the store repeated its continuation token");
                    }
                    for (S3Object o : page.contents()) {
                        listed++;
                        if (listed > most) {
                            break;
                        }
                        String problem = listOrderProblem(asked, last, o.key());
                        if (problem != null) {
                            throw new BackendException("cannot list " + location + "/" + dir + ": the store listed " + problem
                                    + ": it is not listing a vault repository faithfully (a broken or hostile store)");
                        }
                        last = o.key();
                        if (!o.key().endsWith("/")) { // a folder marker (the AWS console, s3fs, rclone) is no file of the repository
                            out.put(o.key().substring(prefix.length()), o.size());
                        }
                    }
                    if (listed > most) {
                        throw new BackendException("cannot list " + location + "/" + dir + ": the store listed more than "
                                + String.format("%,d", most) + " objects (or empty pages) there, more than any repository holds: it is"
                                + " not listing a vault repository (a broken or hostile store)");
                    }
                } while (token != null && !token.isEmpty());
                return out;
            } catch (SdkClientException e) {
                if (attempt >= BODY_ATTEMPTS || !firstLine(e.getMessage()).startsWith("Could not parse")) { // a listing cut short
                    throw failure("cannot list", dir, e);
                }
            } catch (SdkException e) {
                throw failure("cannot list", dir, e);
            }
        }
    }

    /**
     * Why {@code key}, listed after {@code last} (null: the first) under the prefix {@code asked}, is not what S3 lists
     * there: ListObjectsV2 gives only keys that begin with the prefix, each once, "in ascending order by key name", the
     * order of their UTF-8 bytes (a key of U+FF5E before one of U+1F600, which String.compareTo puts the other way); null
     * when it is.
     */
    static String listOrderProblem(String asked, String last, String key) {
        if (key == null || !key.startsWith(asked)) {
            return key == null ? "an object without a key" : key + ", outside the prefix " + asked + " asked for";
        }
        if (last != null && java.util.Arrays.compareUnsigned(key.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                last.getBytes(java.nio.charset.StandardCharsets.UTF_8)) <= 0) {
            return key + (key.equals(last) ? " twice" : " after " + last + ", out of S3's order");
        }
        return null;
    }

    /**
     * Asks the bucket once: GetObjectLockConfiguration says Enabled. A bucket without a
     * configuration (404 ObjectLockConfigurationNotFoundError), or a store without the API (s3proxy 4.1
     * answers 501 NotImplemented), has none; any other answer cannot tell, and is an error: a 403 taken
     * for "no Object Lock" let `hold` place no S3 legal hold on a bucket with Object Lock (a helper's).
     */
    @Override
    public boolean supportsLegalHold() {
        Boolean known = objectLock;
        if (known == null) {
            try {
                var c = s3.getObjectLockConfiguration(r -> r.bucket(bucket)).objectLockConfiguration();
                known = c != null && c.objectLockEnabled() == ObjectLockEnabled.ENABLED;
            } catch (S3Exception e) {
                if (e.statusCode() == 403) {
                    throw new BackendException("cannot tell whether the bucket of " + location + " has Object Lock: GetObjectLockConfiguration"
                            + " was denied (" + firstLine(e.getMessage()) + "): allow s3:GetBucketObjectLockConfiguration on bucket " + bucket
                            + " to these credentials", e);
                }
                if (e.statusCode() != 404 && e.statusCode() != 501) {
                    throw failure("cannot read the Object Lock configuration of", "", e);
                }
                known = false; // 404 ObjectLockConfigurationNotFoundError, 501 NotImplemented
            } catch (SdkException e) {
                throw failure("cannot read the Object Lock configuration of", "", e);
            }
            objectLock = known;
        }
        return known;
    }

    /**
     * GetBucketVersioning, as {@link #supportsLegalHold} asks GetObjectLockConfiguration: Enabled or Suspended keeps the
     * versions an overwrite or delete replaced. A store without the API (501) keeps none; one that cannot tell is said so.
     */
    @Override
    public String keepsOldVersions() {
        try {
            var status = s3.getBucketVersioning(r -> r.bucket(bucket)).status();
            return status == null || status == software.amazon.awssdk.services.s3.model.BucketVersioningStatus.UNKNOWN_TO_SDK_VERSION
                    ? null : "the bucket " + bucket + " has versioning " + status;
        } catch (S3Exception e) {
            if (e.statusCode() == 501) {
                return null;
            }
            return "whether the bucket " + bucket + " keeps old versions is unknown (GetBucketVersioning: " + firstLine(e.getMessage()) + ")";
        } catch (SdkException e) {
            return "whether the bucket " + bucket + " keeps old versions is unknown (GetBucketVersioning: " + firstLine(e.getMessage()) + ")";
        }
    }

    @Override
    public String placeLegalHold(String name) {
        try {
            String version = s3.headObject(r -> r.bucket(bucket).key(key(name))).versionId();
            s3.putObjectLegalHold(r -> r.bucket(bucket).key(key(name)).versionId(version)
                    .legalHold(h -> h.status(ObjectLockLegalHoldStatus.ON)));
            return version;
        } catch (SdkException e) {
            throw failure("cannot place an S3 legal hold on", name, e);
        }
    }

    @Override
    public void liftLegalHold(String name, String versionId) {
        try {
            s3.putObjectLegalHold(r -> r.bucket(bucket).key(key(name)).versionId(versionId)
                    .legalHold(h -> h.status(ObjectLockLegalHoldStatus.OFF)));
        } catch (SdkException e) {
            if (!versionHere(name, versionId)) {
                throw new MissingFileException(location, name + " version " + versionId, e);
            }
            throw failure("cannot lift the S3 legal hold on", name, e);
        }
    }

    /** False when the bucket answers that it has no such version of the object (HEAD 404); true when it has, or does not say. */
    private boolean versionHere(String name, String versionId) {
        try {
            s3.headObject(r -> r.bucket(bucket).key(key(name)).versionId(versionId));
            return true;
        } catch (S3Exception e) {
            return e.statusCode() != 404;
        } catch (SdkException e) {
            return true;
        }
    }

    @Override
    public boolean legalHoldOn(String name) {
        try {
            var hold = s3.getObjectLegalHold(r -> r.bucket(bucket).key(key(name))).legalHold();
            return hold != null && hold.status() == ObjectLockLegalHoldStatus.ON;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchKey".equals(e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode())) {
                return false; // NoSuchObjectLockConfiguration: no hold was ever placed on it
            }
            throw failure("cannot tell whether an S3 legal hold is on", name, e);
        } catch (SdkException e) {
            throw failure("cannot tell whether an S3 legal hold is on", name, e);
        }
    }

    @Override
    public OptionalLong device() {
        return OptionalLong.empty(); // another system: never the same media as a local path
    }

    @Override
    public void close() {
        s3.close();
        if (uploads != s3) {
            uploads.close();
        }
    }
}
