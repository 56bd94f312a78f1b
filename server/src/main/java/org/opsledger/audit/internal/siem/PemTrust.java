package org.opsledger.audit.internal.siem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context of the SIEM connection, from PEM files as a receiver's administrator hands them
 * out: CA certificates to trust, and optionally a client certificate chain and its PKCS#8 key
 * (plain, or encrypted with a password that is used here and nowhere else, never logged).
 */
final class PemTrust {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");

    private PemTrust() {
    }

    static SSLContext context(SiemSettings settings) throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (settings.trustFile() == null) {
            trust.init((KeyStore) null); // the JDK's own CA certificates
        } else {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            int i = 0;
            for (Certificate certificate : certificates(settings.trustFile())) {
                anchors.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in " + settings.trustFile());
            }
            trust.init(anchors);
        }
        KeyManagerFactory keys = null;
        if (settings.clientCertificateFile() != null) {
            if (settings.clientKeyFile() == null) {
                throw new GeneralSecurityException("opsledger.audit.siem.client-key-file is required with a client certificate");
            }
            Collection<? extends Certificate> chain = certificates(settings.clientCertificateFile());
            PrivateKey key = privateKey(settings.clientKeyFile(), settings.clientKeyPassword());
            char[] storePassword = new char[0]; // the store lives in memory only
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, storePassword, chain.toArray(Certificate[]::new));
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, storePassword);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    static Collection<? extends Certificate> certificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    static PrivateKey privateKey(Path file, String password) throws IOException, GeneralSecurityException {
        Matcher pem = PEM.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (pem.find()) {
            byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
            switch (pem.group(1)) {
                case "PRIVATE KEY" -> {
                    return pkcs8(new PKCS8EncodedKeySpec(der));
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (password == null) {
                        throw new GeneralSecurityException(file + " is encrypted: set opsledger.audit.siem.client-key-password");
                    }
                    EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
                    PBEKeySpec spec = new PBEKeySpec(password.toCharArray());
                    try {
                        SecretKeyFactory factory = SecretKeyFactory.getInstance(info.getAlgName());
                        Cipher cipher = Cipher.getInstance(info.getAlgName());
                        cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(spec), info.getAlgParameters());
                        return pkcs8(info.getKeySpec(cipher));
                    } finally {
                        spec.clearPassword();
                    }
                }
                default -> {
                    // certificates or parameters in the same file: look further
                }
            }
        }
        throw new GeneralSecurityException(file + " holds no PKCS#8 private key (convert with: openssl pkcs8 -topk8)");
    }

    private static PrivateKey pkcs8(PKCS8EncodedKeySpec spec) throws GeneralSecurityException {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException wrongAlgorithm) {
                // try the next
            }
        }
        throw new InvalidKeySpecException("unsupported private key algorithm");
    }
}
