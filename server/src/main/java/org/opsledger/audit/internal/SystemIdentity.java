package org.opsledger.audit.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The system identity every entry carries (ECOMP 6.1.1): {@code opsledger/<node name>}. */
@Component
class SystemIdentity {

    private final String name;

    SystemIdentity(@Value("${opsledger.node-name:}") String nodeName) {
        this.name = "opsledger/" + (nodeName.isBlank() ? hostname() : nodeName);
    }

    String name() {
        return name;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
