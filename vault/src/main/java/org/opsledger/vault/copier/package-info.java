/**
 * Copy between repositories (IS.012 6.6.1.3: near-line for 30 days, then long-term storage): a
 * snapshot's files are re-chunked with the target's secret gear table, re-keyed with its content-ID
 * key, sealed under its data keys and deduplicated against what the target already holds.
 */
package org.opsledger.vault.copier;
