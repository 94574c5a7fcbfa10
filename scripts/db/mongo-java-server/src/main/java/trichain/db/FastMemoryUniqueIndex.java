package trichain.db;

import java.util.List;
import java.util.Set;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.TrichainUtils;
import de.bwaldvogel.mongo.backend.memory.index.MemoryUniqueIndex;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.DuplicateKeyError;

/**
 * The memory backend's unique index (_id, source+sourceId, ...) with TrichainUniqueIndex's cheaper checkAdd/add:
 * the key computed directly for plain field names, and add without stock's second duplicate lookup (see
 * TrichainUniqueIndex.add for why that is safe). In a bulk insert into the app's activities on the memory
 * backend, the two unique indexes took half of the server's insert time, most of it in those two (JFR, -r4).
 * The entries stay in the stock hash map.
 */
final class FastMemoryUniqueIndex extends MemoryUniqueIndex {

    FastMemoryUniqueIndex(String name, List<IndexKey> keys, boolean sparse) {
        super(name, keys, sparse);
    }

    private boolean isSparseWithoutValues(Document document) {
        return isSparse() && keys().stream().noneMatch(key -> TrichainUtils.hasSubdocumentValue(document, key));
    }

    @Override
    public synchronized void checkAdd(Document document, MongoCollection<Integer> collection) {
        KeyValue key = TrichainUniqueIndex.simpleKey(keys(), document, false);
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

    @Override
    public synchronized void add(Document document, Integer position, MongoCollection<Integer> collection) {
        if (isSparseWithoutValues(document)) {
            return;
        }
        KeyValue simple = TrichainUniqueIndex.simpleKey(keys(), document, true);
        for (KeyValue keyValue : simple != null ? Set.of(simple) : getKeyValues(document)) {
            if (!putKeyPosition(keyValue, position)) {
                throw new IllegalStateException("Key " + keyValue + " already exists in " + getName() + ". Concurrency issue?");
            }
        }
    }

    /** Also a compound key with $in (UniquePointQuery), which stock refuses (it scanned instead). */
    @Override
    public synchronized boolean canHandle(Document query) {
        return UniquePointQuery.keys(keys(), query) != null || super.canHandle(query);
    }

    @Override
    public synchronized Iterable<Integer> getPositions(Document query) {
        List<KeyValue> points = UniquePointQuery.keys(keys(), query);
        return points != null ? UniquePointQuery.positions(points, this::getPosition) : super.getPositions(query);
    }
}
