/**
 * Cryptography of the repository (docs/vault-format.md §3, §5): key slots (PBKDF2-HMAC-SHA256
 * wrapping the master key), the keyring of data keys per epoch, AES-256-GCM sealing with random
 * 96-bit nonces, and keyed content IDs (HMAC-SHA256). JDK providers only.
 */
package org.opsledger.vault.crypto;
