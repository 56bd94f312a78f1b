package org.opsledger.inventory.internal;

import java.io.InputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.opsledger.shared.ProblemException;

/**
 * The one way the inventory reads uploaded XML (scans, XCCDF results): the JDK's streaming StAX
 * reader with DTD support, external entities and entity replacement off, and a resolver that
 * refuses to fetch anything. The readers using it refuse DTDs and entity references themselves.
 */
final class SafeXml {

    /** Reads a document from an open StAX reader. */
    interface Body<T> {
        T read(XMLStreamReader reader) throws XMLStreamException;
    }

    private SafeXml() {
    }

    static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setXMLResolver((publicId, systemId, base, namespace) -> {
            throw new XMLStreamException("external resources are never fetched: " + systemId);
        });
        return f;
    }

    /**
     * Runs {@code body} over the stream and closes the reader.
     *
     * @throws ProblemException 400 naming {@code body} when the XML is not well formed
     */
    static <T> T read(InputStream in, Body<T> body) {
        XMLStreamReader r;
        try {
            r = factory().createXMLStreamReader(in);
        } catch (XMLStreamException e) {
            throw refused("cannot read the XML: " + firstLine(e.getMessage()));
        }
        try {
            return body.read(r);
        } catch (XMLStreamException e) {
            throw refused("not well-formed XML: " + firstLine(e.getMessage()));
        } finally {
            try {
                r.close();
            } catch (XMLStreamException ignored) {
                // closing a reader we are done with
            }
        }
    }

    static ProblemException refused(String detail) {
        return ProblemException.invalid("body", detail);
    }

    static String firstLine(String s) {
        String line = s == null ? "" : s.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
