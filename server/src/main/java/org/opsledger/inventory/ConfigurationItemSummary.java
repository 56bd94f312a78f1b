package org.opsledger.inventory;

import java.util.UUID;
import org.opsledger.shared.CriticalityTier;
import org.opsledger.shared.Environment;

/**
 * What other modules need to know of a configuration item (IS.012 6.3.1).
 *
 * @param id          the item's id, how every module refers to it
 * @param name        its name, e.g. a hostname or an application's name
 * @param kind        what it is
 * @param tier        how critical it is
 * @param environment where it runs
 * @param lifecycle   where it is in its life
 */
public record ConfigurationItemSummary(UUID id, String name, ItemKind kind, CriticalityTier tier, Environment environment,
        Lifecycle lifecycle) {

    /** IS.012 6.3.6: a change touching a network device needs a security officer's approval too. */
    public boolean networkDevice() {
        return kind == ItemKind.NETWORK_DEVICE;
    }
}
