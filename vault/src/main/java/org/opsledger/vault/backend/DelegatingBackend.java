package org.opsledger.vault.backend;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A backend that hands every call to another ({@code store}), for a decorator to override what it changes: the limits of
 * {@link ThrottledBackend}, the local copies of {@link org.opsledger.vault.cache.MetadataCache}. Deletions in batches go
 * through {@link #deletions()}, a tree pack through {@link #read} (the default {@link #readTreePack}: a limit paces it),
 * and {@link #store()} is the store itself under any decorator.
 */
public abstract class DelegatingBackend implements Backend {

    protected final Backend store;

    protected DelegatingBackend(Backend store) {
        this.store = store;
    }

    @Override
    public Backend store() {
        return store.store();
    }

    @Override
    public String location() {
        return store.location();
    }

    @Override
    public boolean exists(String name) {
        return store.exists(name);
    }

    @Override
    public byte[] read(String name) {
        return store.read(name);
    }

    @Override
    public void indexRead(java.util.function.Predicate<String> indexed) {
        store.indexRead(indexed);
    }

    @Override
    public String keySlotOpenedLast() {
        return store.keySlotOpenedLast();
    }

    @Override
    public void keySlotOpened(String id) {
        store.keySlotOpened(id);
    }

    @Override
    public byte[] readRange(String name, long offset, int length) {
        return store.readRange(name, offset, length);
    }

    @Override
    public void readRange(String name, long offset, int length, byte[] into) {
        store.readRange(name, offset, length, into);
    }

    @Override
    public long size(String name) {
        return store.size(name);
    }

    @Override
    public InputStream stream(String name) {
        return store.stream(name);
    }

    @Override
    public void write(String name, byte[] data, int off, int len) {
        store.write(name, data, off, len);
    }

    @Override
    public void delete(String name) {
        store.delete(name);
    }

    @Override
    public Deletions deletions() {
        return store.deletions();
    }

    @Override
    public void discard(String name) {
        store.discard(name);
    }

    @Override
    public void move(String from, String to) {
        store.move(from, to);
    }

    @Override
    public void replaceShredding(String name, byte[] data) {
        store.replaceShredding(name, data);
    }

    @Override
    public String replacedLeftBehind(String name) {
        return store.replacedLeftBehind(name);
    }

    @Override
    public void discardReplaced(String name) {
        store.discardReplaced(name);
    }

    @Override
    public void shred(String name) {
        store.shred(name);
    }

    @Override
    public Upload upload() {
        return store.upload();
    }

    @Override
    public List<String> list(String dir) {
        return store.list(dir);
    }

    @Override
    public java.util.SortedMap<String, Long> listSizes(String dir) {
        return store.listSizes(dir);
    }

    @Override
    public String refusesNewRepository() {
        return store.refusesNewRepository();
    }

    @Override
    public void createRoot() {
        store.createRoot();
    }

    @Override
    public List<String> unfinishedWrites(String dir) {
        return store.unfinishedWrites(dir);
    }

    @Override
    public boolean supportsLegalHold() {
        return store.supportsLegalHold();
    }

    @Override
    public String keepsOldVersions() {
        return store.keepsOldVersions();
    }

    @Override
    public String placeLegalHold(String name) {
        return store.placeLegalHold(name);
    }

    @Override
    public void liftLegalHold(String name, String versionId) {
        store.liftLegalHold(name, versionId);
    }

    @Override
    public boolean legalHoldOn(String name) {
        return store.legalHoldOn(name);
    }

    @Override
    public OptionalLong device() {
        return store.device();
    }

    @Override
    public String missingStore() {
        return store.missingStore();
    }

    @Override
    public boolean readFailureIsDamage() {
        return store.readFailureIsDamage();
    }

    @Override
    public Optional<java.nio.file.Path> localDirectory() {
        return store.localDirectory();
    }

    @Override
    public void close() {
        store.close();
    }
}
