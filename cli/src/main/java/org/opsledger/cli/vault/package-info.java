/**
 * {@code opsledger vault …}: the backup commands over the vault library (restic-like; every
 * command has {@code --json}; a progress line is drawn only on a terminal). Password from
 * {@code --password-file} or {@code OPSLEDGER_VAULT_PASSWORD}; repository from {@code --repo} or
 * {@code OPSLEDGER_VAULT_REPOSITORY}.
 */
package org.opsledger.cli.vault;
