/**
 * Copy between repositories (IS.012 6.6.1.3: near-line for 30 days, then long-term storage). When
 * the target was created with {@code init --copy-chunker-params-from SOURCE} the two share the gear
 * seed and content-ID key: blobs keep their IDs, only blobs the target lacks are read and sealed
 * under the target's data keys. Otherwise a snapshot's files are re-chunked with the target's
 * secret gear table and re-keyed with its content-ID key (the IDs differ, so the target's index
 * cannot say what it already has without reading the data), then deduplicated there.
 */
package org.opsledger.vault.copier;
