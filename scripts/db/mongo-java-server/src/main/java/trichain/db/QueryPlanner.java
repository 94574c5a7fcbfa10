package trichain.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * Chooses a SecondaryIndex for a query filter and turns the filter's conditions on the index's first field
 * (and, after equality / $in on it, on the second) into index intervals. Only ever a superset of the matches:
 * the collection applies the whole filter with the stock matcher afterwards.
 * <p>
 * Used: equality to a scalar, {@code $eq}, {@code $in} of scalars, {@code $gt/$gte/$lt/$lte} with a scalar, at
 * the top level of the filter or inside a top-level {@code $and}. Scalars: strings, numbers (not Decimal128),
 * dates, ObjectIds, booleans, UUIDs. Anything else on the field (null, a regex, a document, an array) leaves
 * the field unconstrained; other operators beside a usable one ($ne, $exists, ...) are simply left to the
 * matcher. Numbers beyond the int range are widened by 1 on each side: the stock matcher compares a Long
 * with a Double by truncating the Double (3000000000.5 &lt;= 3000000000L holds there; values in the int range
 * are compared exactly), and the index must return everything the matcher would accept.
 */
final class QueryPlanner {

    private QueryPlanner() {
    }

    /** Filtered queries that read a whole collection, per namespace (trichainIndexStats). */
    private static final Map<String, AtomicLong> SCANS = new ConcurrentHashMap<>();

    static void countScan(String namespace, Document query) {
        if (query != null && !query.isEmpty()) {
            SCANS.computeIfAbsent(namespace, k -> new AtomicLong()).incrementAndGet();
        }
    }

    static long scans(String namespace) {
        AtomicLong n = SCANS.get(namespace);
        return n == null ? 0 : n.get();
    }

    /** The AND of a field's conditions, as far as an index can use them. */
    private static final class Condition {
        List<Object> points; // equality / $in (null: none)
        Object lo;
        boolean loInclusive;
        Object hi;
        boolean hiInclusive;

        boolean isPoints() {
            return points != null;
        }

        boolean hasRange() {
            return lo != null || hi != null;
        }

        /** AND: points win (either list is a superset of the intersection); ranges intersect. */
        Condition and(Condition other) {
            if (other == null) {
                return this;
            }
            if (isPoints() || other.isPoints()) {
                if (!other.isPoints()) {
                    return this;
                }
                if (!isPoints() || other.points.size() < points.size()) {
                    return other;
                }
                return this;
            }
            Condition c = new Condition();
            c.lo = lo;
            c.loInclusive = loInclusive;
            c.hi = hi;
            c.hiInclusive = hiInclusive;
            if (other.lo != null && (c.lo == null || IndexEntry.compareValues(other.lo, c.lo) > 0)) {
                c.lo = other.lo;
                c.loInclusive = other.loInclusive;
            }
            if (other.hi != null && (c.hi == null || IndexEntry.compareValues(other.hi, c.hi) < 0)) {
                c.hi = other.hi;
                c.hiInclusive = other.hiInclusive;
            }
            return c;
        }
    }

    static boolean isIndexableScalar(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return !Double.isNaN(((Number) value).doubleValue());
        }
        return value instanceof String || value instanceof Integer || value instanceof Long
            || value instanceof Instant || value instanceof ObjectId || value instanceof Boolean || value instanceof UUID;
    }

    private static Condition conditionOf(Object value) {
        if (isIndexableScalar(value)) {
            Condition c = new Condition();
            c.points = List.of(value);
            return c;
        }
        if (!(value instanceof Document)) {
            return null; // null, regex, array: not narrowed by an index
        }
        Document ops = (Document) value;
        if (ops.isEmpty() || ops.keySet().stream().anyMatch(k -> !k.startsWith("$"))) {
            return null; // an embedded document compared as a whole
        }
        Condition result = null;
        for (Map.Entry<String, Object> op : ops.entrySet()) {
            Object operand = op.getValue();
            Condition c = new Condition();
            switch (op.getKey()) {
                case "$eq" -> {
                    if (!isIndexableScalar(operand)) {
                        continue;
                    }
                    c.points = List.of(operand);
                }
                case "$in" -> {
                    if (!(operand instanceof Collection<?> list) || !list.stream().allMatch(QueryPlanner::isIndexableScalar)) {
                        continue;
                    }
                    c.points = new ArrayList<>(list);
                }
                case "$gt", "$gte" -> {
                    if (!isIndexableScalar(operand)) {
                        continue;
                    }
                    c.lo = operand;
                    c.loInclusive = op.getKey().equals("$gte");
                }
                case "$lt", "$lte" -> {
                    if (!isIndexableScalar(operand)) {
                        continue;
                    }
                    c.hi = operand;
                    c.hiInclusive = op.getKey().equals("$lte");
                }
                default -> {
                    continue; // left to the matcher
                }
            }
            result = result == null ? c : result.and(c);
        }
        return result;
    }

    private static Condition conditionOn(Document query, String field) {
        Condition result = null;
        if (query.containsKey(field)) {
            result = conditionOf(query.get(field));
        }
        Object and = query.get("$and");
        if (and instanceof Collection<?> clauses) {
            for (Object clause : clauses) {
                if (clause instanceof Document d) {
                    Condition c = conditionOn(d, field);
                    if (c != null) {
                        result = result == null ? c : result.and(c);
                    }
                }
            }
        }
        return result;
    }

    /** See the class comment: only numbers the stock matcher may compare as a Long. */
    static boolean needsWidening(Object value) {
        return value instanceof Number n && Math.abs(n.doubleValue()) >= Integer.MAX_VALUE;
    }

    private static Object below(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            long l = ((Number) value).longValue();
            return l == Long.MIN_VALUE ? Double.NEGATIVE_INFINITY : (Object) (l - 1);
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue() - 1;
        }
        return value;
    }

    private static Object above(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            long l = ((Number) value).longValue();
            return l == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : (Object) (l + 1);
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue() + 1;
        }
        return value;
    }

    private static Object[] with(Object[] prefix, Object value) {
        Object[] values = new Object[prefix.length + 1];
        System.arraycopy(prefix, 0, values, 0, prefix.length);
        values[prefix.length] = value;
        return values;
    }

    /** Intervals [from, to] (probes) for one field's condition after an equality prefix. */
    private static void intervals(Object[] prefix, Condition c, List<IndexEntry[]> out) {
        if (c.isPoints()) {
            for (Object p : c.points) {
                boolean number = needsWidening(p);
                out.add(new IndexEntry[] {
                    IndexEntry.before(with(prefix, number ? below(p) : p)),
                    IndexEntry.after(with(prefix, number ? above(p) : p))});
            }
            return;
        }
        IndexEntry from;
        if (c.lo == null) {
            from = IndexEntry.before(prefix);
        } else if (needsWidening(c.lo)) {
            from = IndexEntry.before(with(prefix, below(c.lo)));
        } else {
            from = c.loInclusive ? IndexEntry.before(with(prefix, c.lo)) : IndexEntry.after(with(prefix, c.lo));
        }
        IndexEntry to;
        if (c.hi == null) {
            to = IndexEntry.after(prefix);
        } else if (needsWidening(c.hi)) {
            to = IndexEntry.after(with(prefix, above(c.hi)));
        } else {
            to = c.hiInclusive ? IndexEntry.after(with(prefix, c.hi)) : IndexEntry.before(with(prefix, c.hi));
        }
        out.add(new IndexEntry[] {from, to});
    }

    /** A chosen index and the intervals to read from it. */
    record Plan<P>(SecondaryIndex<P> index, List<IndexEntry[]> intervals) {
    }

    /**
     * The best usable secondary index for a filter, or null (scan). Preference: equality/$in on the first
     * field with a condition on the second, then equality/$in, then a two-sided range, then a one-sided one.
     */
    static <P> Plan<P> plan(List<Index<P>> indexes, Document query) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        Plan<P> best = null;
        int bestScore = 0;
        for (Index<P> index : indexes) {
            if (!(index instanceof SecondaryIndex<P> secondary) || !secondary.isUsable()) {
                continue;
            }
            List<String> fields = secondary.fields();
            Condition first = conditionOn(query, fields.get(0));
            if (first == null || (!first.isPoints() && !first.hasRange())) {
                continue;
            }
            Condition second = first.isPoints() && fields.size() > 1 ? conditionOn(query, fields.get(1)) : null;
            int score = first.isPoints() ? (second != null ? 4 : 3) : (first.lo != null && first.hi != null ? 2 : 1);
            if (score <= bestScore) {
                continue;
            }
            List<IndexEntry[]> intervals = new ArrayList<>();
            if (first.isPoints()) {
                for (Object p : first.points) {
                    if (second != null && !needsWidening(p)) {
                        intervals(new Object[] {p}, second, intervals);
                    } else {
                        Condition point = new Condition();
                        point.points = List.of(p);
                        intervals(new Object[0], point, intervals);
                    }
                }
            } else {
                intervals(new Object[0], first, intervals);
            }
            intervals.sort(SecondaryIndex.BY_LOWER);
            best = new Plan<>(secondary, intervals);
            bestScore = score;
        }
        return best;
    }

    /**
     * Candidate positions for a filter in natural order without duplicates, or null when no index applies or
     * the index would select more than half the collection (a scan reads that faster).
     */
    static <P> List<Object> candidates(List<Index<P>> indexes, Document query, long collectionSize,
                                       Comparator<Object> naturalOrder) {
        Plan<P> plan = plan(indexes, query);
        if (plan == null) {
            return null;
        }
        long limit = Math.max(collectionSize / 2, 1000);
        List<Object> positions = plan.index().positions(plan.intervals(), limit);
        if (positions.size() > limit) {
            return null;
        }
        plan.index().uses.incrementAndGet();
        positions.sort(naturalOrder);
        List<Object> unique = new ArrayList<>(positions.size());
        Object last = null;
        for (Object p : positions) {
            if (unique.isEmpty() || naturalOrder.compare(last, p) != 0) {
                unique.add(p);
            }
            last = p;
        }
        return unique;
    }

    /** The trichainIndexStats command's reply for one collection. */
    static Document stats(String namespace, List<? extends Index<?>> indexes) {
        Document perIndex = new Document();
        for (Index<?> index : indexes) {
            if (index instanceof SecondaryIndex<?> secondary) {
                perIndex.put(index.getName(), new Document(secondary.stats()));
            }
        }
        return new Document("ns", namespace).append("scans", scans(namespace)).append("indexes", perIndex).append("ok", 1.0);
    }
}
