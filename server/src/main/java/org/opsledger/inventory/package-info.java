/**
 * Configuration management (IS.012 6.3, 6.4.3; ECOMP 11.8, 11.9): the inventory of assets and
 * configuration items, their relationships, discovery imports with the unauthorised-asset queue,
 * baselines and drift, hardening results and end of life. Other modules refer to items by id and
 * read them through {@link org.opsledger.inventory.ConfigurationItems}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Inventory")
package org.opsledger.inventory;
