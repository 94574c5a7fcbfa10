package trichain.db;

import java.util.Iterator;
import java.util.concurrent.ConcurrentSkipListSet;

/** A SecondaryIndex's entries for the memory backend (gone with the process, like its documents). */
final class MemoryIndexStore implements SecondaryIndex.Store {

    private final ConcurrentSkipListSet<IndexEntry> entries = new ConcurrentSkipListSet<>();
    private volatile boolean built;
    private volatile boolean multikey;

    @Override
    public void put(IndexEntry entry) {
        entries.add(entry);
    }

    @Override
    public void remove(IndexEntry entry) {
        entries.remove(entry);
    }

    @Override
    public Iterator<IndexEntry> from(IndexEntry from) {
        return entries.tailSet(from, true).iterator();
    }

    @Override
    public long size() {
        return entries.size();
    }

    @Override
    public void clear() {
        entries.clear();
    }

    @Override
    public boolean isBuilt() {
        return built;
    }

    @Override
    public void setBuilt() {
        built = true;
    }

    @Override
    public boolean isMultikey() {
        return multikey;
    }

    @Override
    public void setMultikey() {
        multikey = true;
    }
}
