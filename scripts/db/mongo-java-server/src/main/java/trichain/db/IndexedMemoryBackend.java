package trichain.db;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

/**
 * The memory backend (--memory) with the same non-unique indexes as the H2 one (SecondaryIndex over a skip
 * list). Its documents still materialise as in stock mongo-java-server; only the choice of which documents
 * a filter or a leading $match reads changes.
 */
final class IndexedMemoryBackend extends MemoryBackend {

    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return new IndexedMemoryDatabase(databaseName, getCursorRegistry());
    }

    static final class IndexedMemoryDatabase extends MemoryDatabase {

        IndexedMemoryDatabase(String databaseName, CursorRegistry cursorRegistry) {
            super(databaseName, cursorRegistry);
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
            return new IndexedMemoryCollection(this, collectionName, options, cursorRegistry);
        }

        @Override
        protected Index<Integer> openOrCreateUniqueIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            return new FastMemoryUniqueIndex(indexName, keys, sparse);
        }

        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            return new SecondaryIndex<>(indexName, keys, sparse, new MemoryIndexStore());
        }

        @Override
        public Document handleCommand(Channel channel, String command, Document query, DatabaseResolver databaseResolver, Oplog oplog) {
            return IndexCommands.handle(this, channel, command, query,
                () -> super.handleCommand(channel, command, query, databaseResolver, oplog));
        }
    }

    static final class IndexedMemoryCollection extends MemoryCollection {

        private static final Comparator<Object> SLOT_ORDER = Comparator.comparingInt(p -> (Integer) p);

        IndexedMemoryCollection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, cursorRegistry);
        }

        /** Positions in slot order: what MemoryCollection's scan returns. Caller holds the collection's lock. */
        private List<Object> candidates(Document query) {
            return QueryPlanner.candidates(getIndexes(), query, count(), SLOT_ORDER);
        }

        private Stream<Document> read(List<Object> positions) {
            return positions.stream().map(p -> getDocument((Integer) p)).filter(Objects::nonNull);
        }

        @Override
        public Stream<Document> queryAllAsStream() {
            Document leadingMatch = AggregationHint.take(getCollectionName());
            if (leadingMatch != null) {
                List<Document> documents;
                synchronized (this) { // the stock path reads under the lock too (handleQuery)
                    List<Object> positions = candidates(leadingMatch);
                    documents = positions == null ? null : new ArrayList<>(read(positions).toList());
                }
                if (documents != null) {
                    return documents.stream();
                }
                QueryPlanner.countScan(getFullName(), leadingMatch);
            }
            return super.queryAllAsStream();
        }

        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                             Document fieldSelector) {
            for (Index<Integer> index : getIndexes()) {
                if (index.canHandle(query)) {
                    return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
                }
            }
            if (!isNaturalDescending(orderBy)) {
                List<Object> positions = candidates(query);
                if (positions != null) {
                    return matchDocumentsFromStream(read(positions), query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
                }
            }
            QueryPlanner.countScan(getFullName(), query);
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        /** One pass over the documents, as StreamingH2Collection.addIndex. */
        @Override
        public void addIndex(Index<Integer> index) {
            if (index instanceof SecondaryIndex<Integer> secondary && secondary.isEmpty()
                && getIndexes().stream().noneMatch(existing -> existing.getName().equals(index.getName()))) {
                streamAllDocumentsWithPosition().forEach(d -> secondary.add(d.getDocument(), d.getPosition(), this));
                secondary.markBuilt();
            }
            super.addIndex(index);
        }

        @Override
        protected void removeDocument(Integer position) {
            Document document = getDocument(position);
            for (Index<Integer> index : getIndexes()) {
                if (index instanceof SecondaryIndex<Integer> secondary) {
                    secondary.removeAt(document, position);
                }
            }
            super.removeDocument(position);
        }
    }
}
