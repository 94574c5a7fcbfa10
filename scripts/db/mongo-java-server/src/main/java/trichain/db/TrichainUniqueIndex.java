package trichain.db;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.Map.Entry;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.TrichainUtils;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.DuplicateKeyError;

/**
 * A unique index (_id and declared unique ones) on H2 whose keys compare without Java serialisation
 * (UniqueKeyType; launcher -r4). Otherwise stock H2UniqueIndex.
 * <p>
 * Its map has a new name ({@code ._uindex_}), because the stock map's keys are stored in another format and
 * another order: a file written by an older launcher gets the new map built from its documents at the first
 * start (AbstractMongoCollection.addIndex builds an index that reports itself empty) and the old map is
 * removed. A state map records that the build finished, so a build cut short by a crash is redone (cleared and
 * built again) rather than trusted half-done, as SecondaryIndex's H2IndexStore does.
 */
final class TrichainUniqueIndex extends AbstractUniqueIndex<Object> {

    private static final String BUILT = "built";

    private final MVMap<KeyValue, Object> mvMap;
    private final MVMap<String, Object> state;

    TrichainUniqueIndex(MVStore store, String mapName, String indexName, List<IndexKey> keys, boolean sparse) {
        super(indexName, keys, sparse);
        this.mvMap = store.openMap(mapName, new MVMap.Builder<KeyValue, Object>()
            .keyType(UniqueKeyType.INSTANCE).valueType(UniqueKeyType.PositionType.INSTANCE));
        this.state = store.openMap(stateMapName(mapName));
        if (!isBuilt()) {
            mvMap.clear(); // an interrupted build: start again from the documents
        }
    }

    static String stateMapName(String mapName) {
        return mapName + "._trichain_state";
    }

    private boolean isBuilt() {
        return Boolean.TRUE.equals(state.get(BUILT));
    }

    /** StreamingH2Collection.addIndex, once the collection has fed every document through add(). */
    void markBuilt() {
        if (!isBuilt()) {
            state.put(BUILT, Boolean.TRUE);
        }
    }

    /**
     * The document's key for the common case, else null (then the stock code, which handles arrays and dotted
     * paths): every index field a plain name and no value an array. Then stock getKeyValues gives exactly one
     * key, the fields' values (missing as null); the library gets there through a map, streams and a
     * regex path split per field, which was a third of a unique index's insert time (JFR).
     */
    static KeyValue simpleKey(List<String> fields, Document document, boolean normalize) {
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            String field = fields.get(i);
            if (field.indexOf('.') >= 0 || field.equals("$")) {
                return null;
            }
            Object value = document.getOrMissing(field);
            if (value instanceof Collection) {
                return null;
            }
            values[i] = normalize ? TrichainUtils.normalizeValue(value) : value;
        }
        return new KeyValue(values);
    }

    private boolean isSparseWithoutValues(Document document) {
        return isSparse() && keys().stream().noneMatch(key -> TrichainUtils.hasSubdocumentValue(document, key));
    }

    /** Stock checkAdd, with the simple key computed directly. */
    @Override
    public synchronized void checkAdd(Document document, MongoCollection<Object> collection) {
        KeyValue key = simpleKey(keys(), document, false);
        if (key == null) {
            super.checkAdd(document, collection);
            return;
        }
        if (isSparseWithoutValues(document)) {
            return;
        }
        if (containsKey(key.normalized())) {
            throw new DuplicateKeyError(this, collection, getKeys(), key);
        }
    }

    /**
     * Stock AbstractUniqueIndex.add repeats checkAdd (a second lookup per key) although every caller has just
     * run it under the collection's lock: addDocument (checkAdd on every index, then add), addIndex (a checkAdd
     * pass, then an add pass), an update (checkUpdate, then updateInPlace). The put itself still refuses a
     * duplicate, as the stock assertion does.
     */
    @Override
    public synchronized void add(Document document, Object position, MongoCollection<Object> collection) {
        if (isSparseWithoutValues(document)) {
            return;
        }
        KeyValue simple = simpleKey(keys(), document, true);
        for (KeyValue keyValue : simple != null ? Set.of(simple) : getKeyValues(document)) {
            if (!putKeyPosition(keyValue, position)) {
                throw new IllegalStateException("Key " + keyValue + " already exists in " + getName() + ". Concurrency issue?");
            }
        }
    }

    @Override
    protected Object removeDocument(KeyValue keyValue) {
        return mvMap.remove(keyValue);
    }

    @Override
    protected boolean putKeyPosition(KeyValue keyValue, Object position) {
        Object oldValue = mvMap.putIfAbsent(keyValue, Missing.ofNullable(position));
        return oldValue == null;
    }

    @Override
    protected Iterable<Entry<KeyValue, Object>> getIterable() {
        return mvMap.entrySet();
    }

    @Override
    protected Object getPosition(KeyValue keyValue) {
        return mvMap.get(keyValue);
    }

    @Override
    public long getCount() {
        return mvMap.sizeAsLong();
    }

    /** "Not built yet" (see the class comment): AbstractMongoCollection.addIndex then builds it. */
    @Override
    public boolean isEmpty() {
        return !isBuilt();
    }

    @Override
    public long getDataSize() {
        return getCount();
    }

    /** Also a compound key with $in (UniquePointQuery), which stock refuses (it scanned instead). */
    @Override
    public synchronized boolean canHandle(Document query) {
        return UniquePointQuery.keys(keys(), query) != null || super.canHandle(query);
    }

    @Override
    public synchronized Iterable<Object> getPositions(Document query) {
        List<KeyValue> points = UniquePointQuery.keys(keys(), query);
        return points != null ? UniquePointQuery.positions(points, this::getPosition) : super.getPositions(query);
    }
}
