package org.opsledger.inventory.internal;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.opsledger.shared.ProblemException;

/**
 * Reads {@code nmap -oX} output as a stream, one host at a time, so memory stays flat whatever the
 * file's size (IS.012 6.3.2). Real nmap output starts with a bare {@code <!DOCTYPE nmaprun>}, which
 * is accepted; any other document type declaration (an internal subset declaring entities, an
 * external DTD) and any entity reference are refused before anything past them is read: no external
 * entity is fetched (XXE) and no entity is expanded (billion laughs).
 */
final class NmapXml {

    /** The only document type declaration accepted: what nmap itself writes. */
    private static final Pattern BARE_DOCTYPE = Pattern.compile("<!DOCTYPE\\s+nmaprun\\s*>");
    private static final int MAX_PER_HOST = 1000;

    /** What the scan says about itself. */
    record Scan(String scanner, String version, Instant start, int hostsUp, int hostsDown) {
    }

    private NmapXml() {
    }

    /**
     * Hands each host that was up to {@code hosts}, in file order.
     *
     * @throws ProblemException 400 naming {@code body} when the document is not acceptable nmap XML
     */
    static Scan read(InputStream in, Consumer<ScannedHost> hosts) {
        return SafeXml.read(in, r -> read(r, hosts));
    }

    private static Scan read(XMLStreamReader r, Consumer<ScannedHost> hosts) throws XMLStreamException {
        boolean root = false;
        String scanner = null;
        String version = null;
        Instant start = null;
        int up = 0;
        int down = 0;
        while (r.hasNext()) {
            int event = r.next();
            refuseEntities(r, event);
            if (event != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            String name = r.getLocalName();
            if (!root) {
                if (!name.equals("nmaprun")) {
                    throw SafeXml.refused("not nmap XML output: the root element is <" + name + ">, not <nmaprun>");
                }
                root = true;
                scanner = r.getAttributeValue(null, "scanner");
                version = r.getAttributeValue(null, "version");
                start = epoch(r.getAttributeValue(null, "start"));
            } else if (name.equals("host")) {
                ScannedHost host = host(r, start);
                if (host == null) {
                    down++;
                } else {
                    up++;
                    hosts.accept(host);
                }
            }
        }
        if (!root) {
            throw SafeXml.refused("not nmap XML output: no <nmaprun> element");
        }
        return new Scan(scanner, version, start, up, down);
    }

    /** Reads one {@code <host>} up to its end tag; null when the host was not up. */
    private static ScannedHost host(XMLStreamReader r, Instant runStart) throws XMLStreamException {
        Instant observed = epoch(r.getAttributeValue(null, "endtime"));
        if (observed == null) {
            observed = epoch(r.getAttributeValue(null, "starttime"));
        }
        if (observed == null) {
            observed = runStart;
        }
        boolean isUp = false;
        Set<String> macs = new LinkedHashSet<>();
        Set<String> ips = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        List<ScannedHost.OpenPort> ports = new ArrayList<>();
        String os = null;
        int depth = 1;
        int portNumber = -1;
        String protocol = null;
        boolean open = false;
        String service = null;
        String product = null;
        String serviceVersion = null;
        while (depth > 0) {
            int event = r.next();
            refuseEntities(r, event);
            if (event == XMLStreamConstants.END_ELEMENT) {
                depth--;
                if (r.getLocalName().equals("port") && portNumber >= 0) {
                    if (open && ports.size() < MAX_PER_HOST) {
                        ports.add(new ScannedHost.OpenPort(portNumber, protocol, service, product, serviceVersion));
                    }
                    portNumber = -1;
                }
                continue;
            }
            if (event != XMLStreamConstants.START_ELEMENT) {
                continue;
            }
            depth++;
            switch (r.getLocalName()) {
                case "status" -> isUp = "up".equals(r.getAttributeValue(null, "state"));
                case "address" -> {
                    String addr = r.getAttributeValue(null, "addr");
                    String type = r.getAttributeValue(null, "addrtype");
                    if ("mac".equals(type)) {
                        Identifiers.mac(addr).ifPresent(macs::add);
                    } else {
                        Identifiers.ipAddress(addr).ifPresent(ips::add);
                    }
                }
                case "hostname" -> {
                    if (names.size() < MAX_PER_HOST) {
                        Identifiers.hostname(r.getAttributeValue(null, "name")).ifPresent(names::add);
                    }
                }
                case "port" -> {
                    portNumber = parsePort(r.getAttributeValue(null, "portid"));
                    protocol = r.getAttributeValue(null, "protocol");
                    open = false;
                    service = null;
                    product = null;
                    serviceVersion = null;
                }
                case "state" -> open = "open".equals(r.getAttributeValue(null, "state"));
                case "service" -> {
                    service = r.getAttributeValue(null, "name");
                    product = r.getAttributeValue(null, "product");
                    serviceVersion = r.getAttributeValue(null, "version");
                }
                case "osmatch" -> {
                    if (os == null) {
                        os = r.getAttributeValue(null, "name"); // nmap lists the most accurate match first
                    }
                }
                default -> {
                }
            }
        }
        if (!isUp) {
            return null;
        }
        if (observed == null) {
            throw SafeXml.refused("a host has no time: neither its starttime/endtime nor the scan's start is given");
        }
        return new ScannedHost(List.copyOf(macs), List.copyOf(ips), List.copyOf(names), ports, os, observed);
    }

    private static void refuseEntities(XMLStreamReader r, int event) {
        if (event == XMLStreamConstants.DTD && !BARE_DOCTYPE.matcher(r.getText().strip()).matches()) {
            throw SafeXml.refused("the document type declaration is refused: only nmap's bare <!DOCTYPE nmaprun> is accepted "
                    + "(no entity declarations, no external DTD)");
        }
        if (event == XMLStreamConstants.ENTITY_REFERENCE) {
            throw SafeXml.refused("entity references are refused: &" + r.getLocalName() + ";");
        }
    }

    private static int parsePort(String value) {
        try {
            int p = Integer.parseInt(value);
            return p >= 0 && p <= 65535 ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Instant epoch(String seconds) {
        if (seconds == null || seconds.isBlank()) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(Long.parseLong(seconds.strip()));
        } catch (NumberFormatException e) {
            throw SafeXml.refused("a time is not in epoch seconds: " + SafeXml.firstLine(seconds));
        }
    }
}
