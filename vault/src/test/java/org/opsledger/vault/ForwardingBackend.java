package org.opsledger.vault;

import java.util.List;
import java.util.OptionalLong;
import org.opsledger.vault.backend.Backend;
import org.opsledger.vault.backend.LocalBackend;

/** A local backend that tests extend to observe or change what the repository does with its store. */
public class ForwardingBackend implements Backend {
    protected final LocalBackend local;

    /**
     * The local store at {@code dir} answering {@link Backend#keepsOldVersions} with {@code kept} (null: it keeps none),
     * as a versioned bucket answers (S3BackendTest asks a local endpoint answering as S3 does).
     */
    public static ForwardingBackend keepingOldVersions(java.nio.file.Path dir, String kept) {
        return new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public String keepsOldVersions() {
                return kept;
            }
        };
    }

    /**
     * The local store at {@code dir}, counting in {@code reads}, by name, each whole read of a file whose name begins with
     * one of {@code prefixes} ("journal/"): what a command reads how often.
     */
    public static ForwardingBackend countingReads(java.nio.file.Path dir, java.util.Map<String, Integer> reads, String... prefixes) {
        return new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public byte[] read(String name) {
                if (java.util.Arrays.stream(prefixes).anyMatch(name::startsWith)) {
                    reads.merge(name, 1, Integer::sum);
                }
                return super.read(name);
            }
        };
    }

    /**
     * The local store at {@code dir}, {@code other} run once just before its {@code nth} write, delete or move (by the name
     * it moves to: a repair's damaged pack to damaged/) of a name under {@code prefix}: another command reaching that moment
     * of this one's work.
     */
    public static ForwardingBackend hooked(java.nio.file.Path dir, String prefix, int nth, Runnable other) {
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        return new ForwardingBackend(new LocalBackend(dir)) {
            private void hook(String name) {
                if (name.startsWith(prefix) && seen.incrementAndGet() == nth) {
                    other.run();
                }
            }

            @Override
            public void write(String name, byte[] data, int off, int len) {
                hook(name);
                super.write(name, data, off, len);
            }

            @Override
            public void delete(String name) {
                hook(name);
                super.delete(name);
            }

            @Override
            public void move(String from, String to) {
                hook(to);
                super.move(from, to);
            }
        };
    }

    /** The local store at {@code dir}, each read of a pack after its {@code n} first failing as a disk's I/O error: a store failing halfway. */
    public static ForwardingBackend failingPackReadsAfter(java.nio.file.Path dir, int n) {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        return new ForwardingBackend(new LocalBackend(dir)) {
            @Override
            public byte[] readRange(String name, long offset, int length) {
                if (name.startsWith("data/") && reads.incrementAndGet() > n) {
                    throw new org.opsledger.vault.backend.BackendException("cannot read " + name + ": Input/output error");
                }
                return super.readRange(name, offset, length);
            }
        };
    }

    public ForwardingBackend(LocalBackend local) {
        this.local = local;
    }

    @Override public String location() { return local.location(); }
    @Override public boolean exists(String name) { return local.exists(name); }
    @Override public byte[] read(String name) { return local.read(name); }
    @Override public byte[] readRange(String name, long offset, int length) { return local.readRange(name, offset, length); }
    @Override public long size(String name) { return local.size(name); }
    @Override public void write(String name, byte[] data, int off, int len) { local.write(name, data, off, len); }
    @Override public void delete(String name) { local.delete(name); }
    @Override public void move(String from, String to) { local.move(from, to); }
    @Override public List<String> list(String dir) { return local.list(dir); }
    @Override public java.util.SortedMap<String, Long> listSizes(String dir) { return local.listSizes(dir); }
    @Override public OptionalLong device() { return local.device(); }
    @Override public java.util.Optional<java.nio.file.Path> localDirectory() { return local.localDirectory(); }
}
