package trichain.db;

import java.util.Iterator;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * A SecondaryIndex's entries in the H2 file, beside the collection's data, so they commit in the same MVStore
 * versions as the documents (a crash can't leave the index and the data at different points). The state map
 * says whether the index was completely built (an interrupted build is redone at the next start) and whether
 * it turned multikey.
 */
final class H2IndexStore implements SecondaryIndex.Store {

    private static final String BUILT = "built";
    private static final String MULTIKEY = "multikey";

    private final MVMap<IndexEntry, Boolean> entries;
    private final MVMap<String, Object> state;

    H2IndexStore(MVStore store, String mapName) {
        this.entries = store.openMap(mapName, new MVMap.Builder<IndexEntry, Boolean>().keyType(IndexEntryType.INSTANCE));
        this.state = store.openMap(stateMapName(mapName));
    }

    static String stateMapName(String indexMapName) {
        return indexMapName + "._trichain_state";
    }

    @Override
    public void put(IndexEntry entry) {
        entries.put(entry, Boolean.TRUE);
    }

    @Override
    public void remove(IndexEntry entry) {
        entries.remove(entry);
    }

    @Override
    public Iterator<IndexEntry> from(IndexEntry from) {
        return entries.keyIterator(from);
    }

    @Override
    public long size() {
        return entries.sizeAsLong();
    }

    @Override
    public void clear() {
        entries.clear();
    }

    @Override
    public boolean isBuilt() {
        return Boolean.TRUE.equals(state.get(BUILT));
    }

    @Override
    public void setBuilt() {
        state.put(BUILT, Boolean.TRUE);
    }

    /** Read for every insert: kept in a field beside the state map (which stays the durable record). */
    private volatile Boolean multikey;

    @Override
    public boolean isMultikey() {
        Boolean known = multikey;
        if (known == null) {
            known = Boolean.TRUE.equals(state.get(MULTIKEY));
            multikey = known;
        }
        return known;
    }

    @Override
    public void setMultikey() {
        state.put(MULTIKEY, Boolean.TRUE);
        multikey = Boolean.TRUE;
    }
}
