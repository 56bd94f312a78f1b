package org.opsledger.vault.backend;

import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.AcquireInitialTokenResponse;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RecordSuccessResponse;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * The SDK's retry strategy (its mode, attempts, backoff and conditions), less the retries of a certificate TLS refused:
 * untrusted, or naming another host. A certificate does not fix itself, and the SDK made four handshakes, with its backoff
 * between them, before the vault could say so. The SDK's conditions only add reasons to retry
 * ({@code retryOnException}), and they retry any IOException in a failure's causes, which an SSLHandshakeException is; so
 * this strategy says no first. A handshake the network broke (a reset, a timeout: no certificate among its causes) is
 * retried as before, and so are 5xx answers.
 */
final class CertificatesNotRetried implements RetryStrategy {

    private final RetryStrategy sdk;

    /** {@code sdk}, built with its defaults: they are not added again ({@link #useClientDefaults}). */
    CertificatesNotRetried(RetryStrategy sdk) {
        this.sdk = sdk;
    }

    /** The certificate exception among {@code failure}'s causes, or null: what TLS refused, not a connection that broke. */
    static Throwable refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.security.cert.CertPathValidatorException) {
                return t;
            }
        }
        return null;
    }

    @Override
    public AcquireInitialTokenResponse acquireInitialToken(AcquireInitialTokenRequest request) {
        return sdk.acquireInitialToken(request);
    }

    @Override
    public RefreshRetryTokenResponse refreshRetryToken(RefreshRetryTokenRequest request) {
        if (refusal(request.failure()) != null) {
            throw new TokenAcquisitionFailedException("a certificate TLS refused is not retried", request.token(), request.failure());
        }
        return sdk.refreshRetryToken(request);
    }

    @Override
    public RecordSuccessResponse recordSuccess(RecordSuccessRequest request) {
        return sdk.recordSuccess(request);
    }

    @Override
    public int maxAttempts() {
        return sdk.maxAttempts();
    }

    /** The SDK's defaults are in {@code sdk} already; were they added, the client would rebuild it from its builder, without this. */
    @Override
    public boolean useClientDefaults() {
        return false;
    }

    /** The SDK's strategy's builder: what it builds retries a refused certificate again (the client calls it only for defaults it adds). */
    @Override
    public Builder<?, ?> toBuilder() {
        return sdk.toBuilder();
    }

    @Override
    public void close() {
        sdk.close();
    }
}
