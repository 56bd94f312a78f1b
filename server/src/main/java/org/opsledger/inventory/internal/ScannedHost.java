package org.opsledger.inventory.internal;

import java.time.Instant;
import java.util.List;

/**
 * One host a scanner found up, its identifiers in {@link Identifiers}' canonical forms.
 *
 * @param macAddresses MAC addresses (nmap reports one, and only on the scanner's own network segment)
 * @param ipAddresses  IPv4 and IPv6 addresses
 * @param hostnames    names the scanner resolved or was given
 * @param openPorts    ports found open, with the service detected on each
 * @param osGuess      the operating system guess nmap was most sure of, or null
 * @param observedAt   when the scanner saw the host
 */
record ScannedHost(List<String> macAddresses, List<String> ipAddresses, List<String> hostnames, List<OpenPort> openPorts,
        String osGuess, Instant observedAt) {

    ScannedHost {
        macAddresses = List.copyOf(macAddresses);
        ipAddresses = List.copyOf(ipAddresses);
        hostnames = List.copyOf(hostnames);
        openPorts = List.copyOf(openPorts);
    }

    /** The identifier a person recognises the host by: its first address, else its first name. */
    String label() {
        if (!ipAddresses.isEmpty()) {
            return ipAddresses.getFirst();
        }
        return !hostnames.isEmpty() ? hostnames.getFirst() : macAddresses.isEmpty() ? "?" : macAddresses.getFirst();
    }

    /** An open port: {@code 22/tcp ssh (OpenSSH 9.2p1)}. */
    record OpenPort(int port, String protocol, String service, String product, String version) {
    }
}
