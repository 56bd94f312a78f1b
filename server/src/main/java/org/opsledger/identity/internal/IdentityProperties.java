package org.opsledger.identity.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code opsledger.security.*}.
 *
 * @param sessionTimeout    UI inactivity timeout (ECOMP 1.8), default 15 minutes
 * @param tokenTtl          lifetime of a token from {@code POST /api/v1/auth/token}, default 1 hour
 * @param lockoutThreshold  consecutive failed logins before the account locks, default 5
 * @param lockoutBase       first lock duration; each further failure doubles it, default 1 minute
 * @param lockoutMax        longest lock, default 1 hour
 * @param passwordMinLength default 12
 * @param addressFailureLimit  failed logins from one client address, over all accounts, before its attempts
 *                             are refused (password spraying), default 50
 * @param addressFailureWindow the window those failures are counted in, default 10 minutes
 */
@ConfigurationProperties("opsledger.security")
record IdentityProperties(Duration sessionTimeout, Duration tokenTtl, Integer lockoutThreshold, Duration lockoutBase,
        Duration lockoutMax, Integer passwordMinLength, Integer addressFailureLimit, Duration addressFailureWindow) {

    IdentityProperties {
        sessionTimeout = sessionTimeout == null ? Duration.ofMinutes(15) : sessionTimeout;
        tokenTtl = tokenTtl == null ? Duration.ofHours(1) : tokenTtl;
        lockoutThreshold = lockoutThreshold == null ? 5 : lockoutThreshold;
        lockoutBase = lockoutBase == null ? Duration.ofMinutes(1) : lockoutBase;
        lockoutMax = lockoutMax == null ? Duration.ofHours(1) : lockoutMax;
        passwordMinLength = passwordMinLength == null ? 12 : passwordMinLength;
        addressFailureLimit = addressFailureLimit == null ? 50 : addressFailureLimit;
        addressFailureWindow = addressFailureWindow == null ? Duration.ofMinutes(10) : addressFailureWindow;
    }
}
