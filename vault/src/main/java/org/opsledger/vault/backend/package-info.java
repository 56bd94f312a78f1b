/**
 * Where repository files live: a {@link org.opsledger.vault.backend.Backend} stores whole files by
 * name, atomically. {@link org.opsledger.vault.backend.LocalBackend} writes to a temporary file,
 * fsyncs it, renames it into place and fsyncs the directory (docs/vault-format.md §2).
 */
package org.opsledger.vault.backend;
