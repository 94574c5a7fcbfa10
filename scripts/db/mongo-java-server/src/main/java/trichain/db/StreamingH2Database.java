package trichain.db;

import java.lang.reflect.Field;
import java.util.List;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

/**
 * H2Database whose collections stream their documents (see StreamingH2Collection) and keep non-unique indexes
 * (SecondaryIndex, in the same file); same maps, same file format for everything the stock backend wrote.
 */
final class StreamingH2Database extends H2Database {

    StreamingH2Database(String databaseName, MVStore mvStore, CursorRegistry cursorRegistry) {
        super(databaseName, mvStore, cursorRegistry);
    }

    @Override
    protected MongoCollection<Object> openOrCreateCollection(String collectionName, CollectionOptions options) {
        // The same map names as H2Database.openOrCreateCollection ("databases." / "meta." + namespace),
        // so files written by the stock backend open unchanged.
        MVStore store = storeOf(this);
        String fullName = getFullCollectionNamespace(collectionName);
        MVMap<Object, Document> dataMap = store.openMap("databases." + fullName);
        MVMap<String, Object> metaMap = store.openMap("meta." + fullName);
        return new StreamingH2Collection(this, collectionName, options, dataMap, metaMap, cursorRegistry);
    }

    /** Stock: an EmptyIndex that is listed but never kept or used. Also runs from the constructor (at start). */
    @Override
    protected Index<Object> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        return new SecondaryIndex<>(indexName, keys, sparse, new H2IndexStore(storeOf(this), indexMapName(collectionName, indexName)));
    }

    /**
     * Stock: H2UniqueIndex, whose keys H2 compares by Java-serialising them (see UniqueKeyType). A file from an
     * older launcher still has the stock map: it is dropped and the new one built from the documents.
     */
    @Override
    protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
        MVStore store = storeOf(this);
        String stockMap = indexMapName(collectionName, indexName);
        if (store.hasMap(stockMap)) {
            store.removeMap(stockMap);
        }
        return new TrichainUniqueIndex(store, uniqueIndexMapName(collectionName, indexName), indexName, keys, sparse);
    }

    private String uniqueIndexMapName(String collectionName, String indexName) {
        return getFullCollectionNamespace(collectionName) + "._uindex_" + indexName;
    }

    /** H2Database.mapNameForIndex (private there): the unique indexes' naming, so a database drop removes ours too. */
    private String indexMapName(String collectionName, String indexName) {
        return getFullCollectionNamespace(collectionName) + "._index_" + indexName;
    }

    @Override
    protected void dropIndex(MongoCollection<Object> collection, String indexName) {
        super.dropIndex(collection, indexName); // removes the stock-named map (a SecondaryIndex's entries)
        MVStore store = storeOf(this);
        String unique = uniqueIndexMapName(collection.getCollectionName(), indexName);
        for (String map : List.of(H2IndexStore.stateMapName(indexMapName(collection.getCollectionName(), indexName)),
            unique, TrichainUniqueIndex.stateMapName(unique))) {
            if (store.hasMap(map)) {
                store.removeMap(map);
            }
        }
    }

    @Override
    public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver databaseResolver, Oplog oplog) {
        return IndexCommands.handle(this, channel, command, query,
            () -> super.handleCommand(channel, command, query, databaseResolver, oplog));
    }

    /**
     * H2Database keeps its store private, and this method runs from H2Database's own constructor (before
     * any field of this subclass is set), so the store is read from the superclass's field.
     */
    private static MVStore storeOf(H2Database database) {
        try {
            Field field = H2Database.class.getDeclaredField("mvStore");
            field.setAccessible(true);
            return (MVStore) field.get(database);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("mongo-java-server's H2Database has no mvStore field any more", e);
        }
    }
}
