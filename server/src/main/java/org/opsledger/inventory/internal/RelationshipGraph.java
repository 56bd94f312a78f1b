package org.opsledger.inventory.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An item's relationships laid out for a server-rendered SVG: the item in the middle, the items it
 * relates to on the right ("runs on", "depends on"…), the items relating to it on the left.
 */
record RelationshipGraph(int width, int height, Node centre, List<Node> nodes, List<Edge> edges) {

    static final int WIDTH = 760;
    static final int ROW = 46;
    static final int NODE_WIDTH = 200;
    static final int NODE_HEIGHT = 30;

    record Node(UUID id, String label, int x, int y) {
        public int textX() {
            return x + NODE_WIDTH / 2;
        }

        public int textY() {
            return y + NODE_HEIGHT / 2 + 5;
        }
    }

    /** A line from one node's edge to another's, labelled with the relationship ("runs on"). */
    record Edge(int x1, int y1, int x2, int y2, String label) {
        public int labelX() {
            return (x1 + x2) / 2;
        }

        public int labelY() {
            return (y1 + y2) / 2 - 4;
        }
    }

    static RelationshipGraph of(ConfigurationItem item, List<RelationshipService.Relationship> relationships) {
        List<RelationshipService.Relationship> out = relationships.stream().filter(r -> r.direction().equals("outgoing")).toList();
        List<RelationshipService.Relationship> in = relationships.stream().filter(r -> r.direction().equals("incoming")).toList();
        int rows = Math.max(1, Math.max(out.size(), in.size()));
        int height = rows * ROW + 20;
        Node centre = new Node(item.id(), abbreviate(item.name()), (WIDTH - NODE_WIDTH) / 2, (height - NODE_HEIGHT) / 2);
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            RelationshipService.Relationship r = out.get(i);
            Node n = new Node(r.targetId(), abbreviate(r.targetName()), WIDTH - NODE_WIDTH - 5, 10 + i * ROW);
            nodes.add(n);
            edges.add(new Edge(centre.x() + NODE_WIDTH, centre.y() + NODE_HEIGHT / 2, n.x(), n.y() + NODE_HEIGHT / 2,
                    r.kind().replace('-', ' ')));
        }
        for (int i = 0; i < in.size(); i++) {
            RelationshipService.Relationship r = in.get(i);
            Node n = new Node(r.sourceId(), abbreviate(r.sourceName()), 5, 10 + i * ROW);
            nodes.add(n);
            edges.add(new Edge(n.x() + NODE_WIDTH, n.y() + NODE_HEIGHT / 2, centre.x(), centre.y() + NODE_HEIGHT / 2,
                    r.kind().replace('-', ' ')));
        }
        return new RelationshipGraph(WIDTH, height, centre, nodes, edges);
    }

    private static String abbreviate(String name) {
        return name.length() > 26 ? name.substring(0, 25) + "…" : name;
    }
}
