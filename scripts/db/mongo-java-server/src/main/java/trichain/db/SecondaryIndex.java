package trichain.db;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A non-unique (secondary) index: stock mongo-java-server 1.47.0 accepts such an index but ignores it
 * (EmptyIndex), so every filtered query scanned the whole collection (docs/database-compat.md, "Indexes").
 * <p>
 * Entries are sorted {@link IndexEntry}s (the document's values for the index fields, then its position) in
 * a {@link Store}: an MVMap in the H2 file for the durable backend, a skip list for the memory backend.
 * Queries use it through {@link QueryPlanner}: it narrows a query to candidate positions; the collection
 * then applies the whole filter with the normal matcher, so an index only ever changes which documents are
 * read, never which match.
 * <ul>
 * <li>Documents whose first index field is missing or null get no entry: no query the planner uses the index
 *     for (equality / $in with non-null values, ranges) can match them.</li>
 * <li>Arrays (multikey): a document with an array in any index field marks the index multikey; from then on
 *     the planner ignores it (scan) and it keeps no entries, until it is dropped and created again. Indexes on
 *     fields that hold arrays are therefore declared but unused, as before.</li>
 * <li>Removal: AbstractMongoCollection.removeDocument(Document) asks every index for the document's
 *     position and throws unless the index is sparse; this index cannot know positions from documents, so it
 *     reports itself sparse (toIndexDescription is unaffected) and the collections remove its entries in
 *     removeDocument(position) through {@link #removeAt}.</li>
 * </ul>
 */
final class SecondaryIndex<P> extends Index<P> {

    /** Where the sorted entries live, plus the two facts that must survive a restart (built, multikey). */
    interface Store {
        void put(IndexEntry entry);

        void remove(IndexEntry entry);

        /** Entries from the first one &gt;= {@code from}, in order. */
        Iterator<IndexEntry> from(IndexEntry from);

        long size();

        void clear();

        boolean isBuilt();

        void setBuilt();

        boolean isMultikey();

        void setMultikey();
    }

    private final Store store;
    private final boolean declaredSparse;
    final AtomicLong uses = new AtomicLong();
    final AtomicLong keysExamined = new AtomicLong();

    SecondaryIndex(String name, List<IndexKey> keys, boolean sparse, Store store) {
        super(name, keys, sparse);
        this.declaredSparse = sparse;
        this.store = store;
    }

    List<String> fields() {
        return keys();
    }

    boolean isUsable() {
        return !store.isMultikey();
    }

    /** Called by the collection once addIndex has fed every existing document through add(). */
    void markBuilt() {
        store.setBuilt();
    }

    /** The entry for a document at a position, or null when it gets none (first field missing or null). */
    private IndexEntry entryFor(Document document, Object position) {
        List<String> fields = keys();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            Object value = valueOf(document, fields.get(i));
            if (value instanceof Collection) {
                return MULTIKEY;
            }
            values[i] = Missing.isNullOrMissing(value) ? null : value;
        }
        if (values[0] == null) {
            return null;
        }
        return new IndexEntry(values, position);
    }

    private static final IndexEntry MULTIKEY = new IndexEntry(new Object[0], null);

    /**
     * A field's value as Utils.getSubdocumentValueCollectionAware finds it. For a plain field name that is the
     * document's own entry; the library's version also validates and splits the path (a regex split into a
     * stream per call): a third of this index's insert time (JFR, launcher -r4 before this).
     */
    static Object valueOf(Document document, String field) {
        if (field.indexOf('.') < 0 && !field.equals("$")) {
            return document.getOrMissing(field);
        }
        return Utils.getSubdocumentValueCollectionAware(document, field);
    }

    @Override
    public synchronized void add(Document document, P position, MongoCollection<P> collection) {
        if (store.isMultikey()) {
            return;
        }
        IndexEntry entry = entryFor(document, position);
        if (entry == MULTIKEY) {
            // The planner won't use a multikey index, so its entries are dead weight: drop them.
            store.setMultikey();
            store.clear();
        } else if (entry != null) {
            store.put(entry);
        }
    }

    synchronized void removeAt(Document document, Object position) {
        if (store.isMultikey() || document == null) {
            return;
        }
        IndexEntry entry = entryFor(document, position);
        if (entry != null && entry != MULTIKEY) {
            store.remove(entry);
        }
    }

    @Override
    public synchronized void updateInPlace(Document oldDocument, Document newDocument, P position, MongoCollection<P> collection) {
        removeAt(oldDocument, position);
        add(newDocument, position, collection);
    }

    /**
     * Positions of the entries within the given intervals (each a pair of probes, from and to inclusive), at
     * most {@code limit + 1} of them (the caller falls back to a scan when there are more).
     */
    List<Object> positions(List<IndexEntry[]> intervals, long limit) {
        List<Object> positions = new ArrayList<>();
        long examined = 0;
        for (IndexEntry[] interval : intervals) {
            Iterator<IndexEntry> it = store.from(interval[0]);
            while (it.hasNext()) {
                IndexEntry entry = it.next();
                examined++;
                if (entry.compareTo(interval[1]) > 0) {
                    break;
                }
                positions.add(entry.position);
                if (positions.size() > limit) {
                    keysExamined.addAndGet(examined);
                    return positions;
                }
            }
        }
        keysExamined.addAndGet(examined);
        return positions;
    }

    static final Comparator<IndexEntry[]> BY_LOWER = (a, b) -> a[0].compareTo(b[0]);

    @Override
    protected boolean isSparse() {
        return true; // see the class comment ("Removal")
    }

    @Override
    public Document toIndexDescription() {
        Document description = super.toIndexDescription();
        if (!declaredSparse) {
            description.remove("sparse");
        }
        return description;
    }

    @Override
    public P getPosition(Document document) {
        return null;
    }

    @Override
    public void checkAdd(Document document, MongoCollection<P> collection) {
        // not unique: nothing to check
    }

    @Override
    public P remove(Document document) {
        return null; // removeAt, from the collection's removeDocument(position)
    }

    /** Queries reach this index through QueryPlanner, never through the stock index loop. */
    @Override
    public boolean canHandle(Document query) {
        return false;
    }

    @Override
    public Iterable<P> getPositions(Document query) {
        throw new UnsupportedOperationException("SecondaryIndex is queried through QueryPlanner");
    }

    @Override
    public long getCount() {
        return store.size();
    }

    /** AbstractMongoCollection.addIndex builds an index from the collection's documents only when it is empty. */
    @Override
    public boolean isEmpty() {
        return !store.isBuilt();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    @Override
    public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<P> collection) {
        // not unique: nothing to check
    }

    @Override
    public void drop() {
        store.clear();
    }

    Map<String, Object> stats() {
        return Map.of("uses", uses.get(), "keysExamined", keysExamined.get(), "entries", store.size(),
            "multikey", store.isMultikey());
    }
}
