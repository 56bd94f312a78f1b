package org.opsledger.inventory;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** What other modules may read of the inventory: items by id (a change's affected items, a backup's asset). */
public interface ConfigurationItems {

    /** The items with these ids, in no particular order; ids that do not exist are left out. */
    List<ConfigurationItemSummary> find(Collection<UUID> ids);
}
