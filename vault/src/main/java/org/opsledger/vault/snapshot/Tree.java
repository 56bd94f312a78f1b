package org.opsledger.vault.snapshot;

import java.util.List;

/** One directory listing, nodes sorted by name; stored as a tree blob. */
public record Tree(List<Node> nodes) {
}
