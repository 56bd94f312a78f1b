package org.opsledger.vault.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A listing from a store that lies (IS.012 6.6.6, a store of another party): one truncated forever held every command,
 * its memory growing, as the SDK's paginator asked again for as long as the store said "truncated" (a tester's). Each
 * store here is a local endpoint answering every ListObjectsV2 with the page {@code page} makes of its request's number.
 */
class S3ListingTest {

    private static final String SNAPSHOT = "%064x";

    /** The page of a ListObjectsV2 answer under {@code snapshots/}: {@code keys} objects from {@code first}, then the end of it. */
    private static String page(int first, int keys, String tail) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>vault</Name><Prefix>team-a/snapshots/</Prefix>"
                + "<KeyCount>" + keys + "</KeyCount><MaxKeys>1000</MaxKeys>");
        for (int i = first; i < first + keys; i++) {
            xml.append("<Contents><Key>team-a/snapshots/").append(String.format(SNAPSHOT, i)).append("</Key><Size>100</Size></Contents>");
        }
        return xml.append(tail).append("</ListBucketResult>").toString();
    }

    /** Lists {@code snapshots/} of a store answering the n-th request (from 0) with {@code pages}; the requests it took. */
    private static int listing(IntFunction<String> pages, long most, java.util.function.Consumer<S3Backend> list) throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer store = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        store.createContext("/", ex -> {
            byte[] body = pages.apply(requests.getAndIncrement()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("x-amz-request-id", "0A49CE4060975EAC");
            ex.getResponseHeaders().add("Content-Type", "application/xml");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        store.start();
        try (S3Backend backend = new S3Backend(S3Backend.client(URI.create("http://127.0.0.1:" + store.getAddress().getPort()),
                Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret"))), "vault", "team-a/",
                "s3://vault/team-a")) {
            list.accept(backend);
        } finally {
            store.stop(0);
        }
        return requests.get();
    }

    @Test
    @Timeout(60) // it never ended
    void aStoreRepeatingItsContinuationTokenIsRefusedAtTheRepeat() throws Exception {
        int requests = listing(n -> page(0, 2, "<IsTruncated>true</IsTruncated><NextContinuationToken>same</NextContinuationToken>"),
                S3Backend.MAX_LISTED, backend -> assertThatThrownBy(() -> backend.list("snapshots"))
                        .isInstanceOf(BackendException.class)
                        .hasMessage("cannot list s3://vault/team-a/snapshots: the store repeated its continuation token"));
        assertThat(requests).as("pages asked for").isEqualTo(2);
    }

    /** New keys and a new token on every page: the listing ends at the bound, {@link S3Backend#MAX_LISTED} objects (here 2,500). */
    @Test
    void aStoreListingWithoutEndIsRefusedPastTheBound() throws Exception {
        int requests = listing(n -> page(n * 1000, 1000, "<IsTruncated>true</IsTruncated><NextContinuationToken>t" + n
                + "</NextContinuationToken>"), 2_500, backend -> assertThatThrownBy(() -> backend.listSizes("snapshots", 2_500))
                        .isInstanceOf(BackendException.class)
                        .hasMessage("cannot list s3://vault/team-a/snapshots: the store listed more than 2,500 objects (or empty pages)"
                                + " there, more than any repository holds: it is not listing a vault repository (a broken or hostile store)"));
        assertThat(requests).as("pages asked for").isEqualTo(3);
        int empty = listing(n -> page(0, 0, "<IsTruncated>true</IsTruncated><NextContinuationToken>t" + n + "</NextContinuationToken>"),
                20, backend -> assertThatThrownBy(() -> backend.listSizes("snapshots", 20))
                        .hasMessageContaining("the store listed more than 20 objects (or empty pages) there"));
        assertThat(empty).as("empty pages asked for").isEqualTo(21);
    }

    /** "Truncated" without a token: the paginator stopped there, and a snapshot left unlisted is one whose packs a prune deletes. */
    @Test
    void aTruncatedPageWithoutATokenIsRefusedAndAnHonestListingIsWhole() throws Exception {
        listing(n -> page(0, 2, "<IsTruncated>true</IsTruncated>"), S3Backend.MAX_LISTED,
                backend -> assertThatThrownBy(() -> backend.list("snapshots"))
                        .hasMessage("cannot list s3://vault/team-a/snapshots: the store said its listing goes on but gave no continuation token"));
        int requests = listing(n -> n == 0 ? page(0, 1000, "<IsTruncated>true</IsTruncated><NextContinuationToken>next</NextContinuationToken>")
                : page(1000, 5, "<IsTruncated>false</IsTruncated>"), S3Backend.MAX_LISTED,
                backend -> assertThat(backend.list("snapshots")).hasSize(1005).contains("snapshots/" + String.format(SNAPSHOT, 1004)));
        assertThat(requests).isEqualTo(2);
    }

    /** A page of the keys {@code keys} (each under team-a/ unless it begins with "/": then as it is), then {@code tail}. */
    private static String pageOf(String tail, String... keys) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>vault</Name><Prefix>team-a/snapshots/</Prefix>"
                + "<KeyCount>" + keys.length + "</KeyCount><MaxKeys>1000</MaxKeys>");
        for (String k : keys) {
            xml.append("<Contents><Key>").append(k.startsWith("/") ? k.substring(1) : "team-a/" + k).append("</Key><Size>100</Size></Contents>");
        }
        return xml.append(tail).append("</ListBucketResult>").toString();
    }

    private static final String END = "<IsTruncated>false</IsTruncated>";
    private static final String MORE = "<IsTruncated>true</IsTruncated><NextContinuationToken>next</NextContinuationToken>";

    /**
     * Keys outside the prefix asked for, or out of S3's order, were taken as they came: team-a/index/… listed under
     * snapshots/ was read as a snapshot file, and team-b/snapshots/… as team-a's own (the prefix's length cut off). Each
     * is refused, naming the key; an honest listing in UTF-8 order (U+FF5E before U+1F600, the other way in UTF-16) is whole.
     */
    @Test
    void keysOutsideThePrefixOrOutOfOrderAreRefused() throws Exception {
        String a = "snapshots/" + String.format(SNAPSHOT, 1);
        String b = "snapshots/" + String.format(SNAPSHOT, 2);
        String asked = "cannot list s3://vault/team-a/snapshots: the store listed ";
        String faithfully = ": it is not listing a vault repository faithfully (a broken or hostile store)";
        java.util.Map<java.util.List<String>, String> refused = new java.util.LinkedHashMap<>();
        refused.put(java.util.List.of(pageOf(END, a, "index/" + String.format(SNAPSHOT, 3))),
                "team-a/index/" + String.format(SNAPSHOT, 3) + ", outside the prefix team-a/snapshots/ asked for");
        refused.put(java.util.List.of(pageOf(END, "/team-b/" + b)), "team-b/" + b + ", outside the prefix team-a/snapshots/ asked for");
        refused.put(java.util.List.of(pageOf(END, b, a)), "team-a/" + a + " after team-a/" + b + ", out of S3's order");
        refused.put(java.util.List.of(pageOf(MORE, a, b), pageOf(END, b)), "team-a/" + b + " twice"); // across pages
        for (var e : refused.entrySet()) {
            listing(n -> e.getKey().get(n), S3Backend.MAX_LISTED, backend -> assertThatThrownBy(() -> backend.list("snapshots"))
                    .isInstanceOf(BackendException.class).hasMessage(asked + e.getValue() + faithfully));
        }
        String bmp = "snapshots/\uFF5E";
        String astral = "snapshots/\uD83D\uDE00";
        listing(n -> n == 0 ? pageOf(MORE, a, "snapshots/sub/", bmp) : pageOf(END, astral), S3Backend.MAX_LISTED,
                backend -> assertThat(backend.list("snapshots")).containsExactlyInAnyOrder(a, bmp, astral));
    }
}
