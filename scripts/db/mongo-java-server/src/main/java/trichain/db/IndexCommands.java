package trichain.db;

import java.util.List;
import java.util.function.Supplier;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.InSet;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;

/**
 * The database-level part of secondary indexes, shared by the H2 and memory databases:
 * <ul>
 * <li>an aggregate command's leading $match is handed to its collection (AggregationHint);</li>
 * <li>{@code {trichainIndexStats: "<collection>"}} reports per index how often a query used it, the keys it
 *     read, its entries and whether it is multikey, and how many filtered queries scanned the collection.
 *     Tests use it to prove an index was used; it is not a MongoDB command.</li>
 * <li>{@code {trichainInSets: false|true}} turns the hash sets for long $in lists (InSet, launcher -r4) off or on
 *     for the whole server, so bench/db-index.ts can time the stock list walk in the same run; on by default.</li>
 * </ul>
 */
final class IndexCommands {

    static final String STATS_COMMAND = "trichainIndexStats";
    static final String IN_SETS_COMMAND = "trichainInSets";

    private IndexCommands() {
    }

    static Document handle(MongoDatabase database, Channel channel, String command, Document query, Supplier<Document> next) {
        if (command.equals(STATS_COMMAND)) {
            String collectionName = String.valueOf(query.get(command));
            MongoCollection<?> collection = database.resolveCollection(collectionName, false);
            List<? extends de.bwaldvogel.mongo.backend.Index<?>> indexes = collection == null ? List.of() : collection.getIndexes();
            return QueryPlanner.stats(database.getDatabaseName() + "." + collectionName, indexes);
        }
        if (command.equals(IN_SETS_COMMAND)) {
            InSet.setEnabled(Boolean.TRUE.equals(query.get(command)));
            return new Document(IN_SETS_COMMAND, InSet.isEnabled()).append("ok", 1.0);
        }
        Document match = AggregationHint.leadingMatch(command, query);
        if (match == null) {
            return next.get();
        }
        AggregationHint.set(String.valueOf(query.get(command)), match);
        try {
            return next.get();
        } finally {
            AggregationHint.clear();
        }
    }
}
