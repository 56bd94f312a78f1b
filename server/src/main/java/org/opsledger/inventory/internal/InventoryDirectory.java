package org.opsledger.inventory.internal;

import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.opsledger.inventory.ConfigurationItemSummary;
import org.opsledger.inventory.ConfigurationItems;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/** {@link ConfigurationItems} for other modules: one query for any number of ids. */
@Component
class InventoryDirectory implements ConfigurationItems {

    private final ItemRepository items;

    InventoryDirectory(ItemRepository items) {
        this.items = items;
    }

    @Override
    @Transactional(readOnly = true)
    public List<ConfigurationItemSummary> find(Collection<UUID> ids) {
        return items.findAll(ids).stream().map(ConfigurationItem::summary).toList();
    }
}
