package de.bwaldvogel.mongo.backend;

import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * A long {@code $in} list as a hash set, for trichain's copy of DefaultQueryMatcher. Stock mongo-java-server
 * walks the whole list for every document (a 10,000-id list over 200k documents: 2·10⁹ comparisons).
 * <p>
 * Exactly the stock result, not Mongo's idea of it: the stock matcher decides "document value v equals list
 * member o" with {@code Utils.nullAwareEquals}: null and missing equal each other, everything else compares
 * {@code Utils.normalizeValue} forms with equals (numbers as Double, so 5 = 5L = 5.0; Longs a double can't
 * hold stay Longs). For members and values of the types below those normalised forms have an equals and
 * hashCode that agree and are symmetric, so "some member equals v" is one set lookup:
 * <ul>
 * <li>hashed members: null, missing, strings, the Java number types but Decimal128, booleans, ObjectIds,
 *     dates (Instant), UUIDs;</li>
 * <li>every other member (regexes, embedded documents, arrays, Decimal128, binaries, Min/MaxKey, ...) is kept
 *     in a short list and checked with the stock rule, for every document;</li>
 * <li>a document value of another type than the hashed ones (an embedded document, a Decimal128, ...) gets
 *     {@code null} from {@link #matches}: the caller walks the list as before. So does an array value (the
 *     stock rule for arrays depends on the list's order); its elements still come here one by one.</li>
 * </ul>
 */
public final class InSet {

    /** Below this the stock walk is as fast as hashing the value. */
    static final int MIN_SIZE = 16;

    /** Main asks for this at start: fails if the library's own DefaultQueryMatcher were loaded instead. */
    public static final String MARKER = "in-hash-set>=" + MIN_SIZE;

    private static final Object NULL_KEY = new Object();

    /** Off only for a benchmark's baseline (the trichainInSets command). */
    private static volatile boolean enabled = true;

    public static void setEnabled(boolean on) {
        enabled = on;
    }

    public static boolean isEnabled() {
        return enabled;
    }

    private final Set<Object> hashed;
    private final List<Object> others;

    private InSet(Collection<?> members) {
        hashed = new HashSet<>(members.size() * 2);
        List<Object> rest = new ArrayList<>();
        for (Object o : members) {
            if (isHashable(o)) {
                hashed.add(key(o));
            } else {
                rest.add(o);
            }
        }
        others = rest;
    }

    static boolean isHashable(Object value) {
        return value == null || value instanceof Missing || value instanceof String || value instanceof Integer
            || value instanceof Long || value instanceof Double || value instanceof Float || value instanceof Short
            || value instanceof Byte || value instanceof Boolean || value instanceof ObjectId || value instanceof Instant
            || value instanceof UUID;
    }

    private static Object key(Object value) {
        return Missing.isNullOrMissing(value) ? NULL_KEY : Utils.normalizeValue(value);
    }

    /**
     * Whether a (non-array) document value matches the list as the stock loop decides it, or null when the
     * value is of a type this set doesn't hash (the caller walks the list).
     */
    Boolean matches(Object value) {
        if (!isHashable(value)) {
            return null;
        }
        if (hashed.contains(key(value))) {
            return Boolean.TRUE;
        }
        for (Object o : others) {
            // The stock loop's two non-array branches, unchanged.
            if (o instanceof BsonRegularExpression && value instanceof String) {
                if (((BsonRegularExpression) o).matcher((String) value).find()) {
                    return Boolean.TRUE;
                }
            } else if (Utils.nullAwareEquals(o, value)) {
                return Boolean.TRUE;
            }
        }
        return Boolean.FALSE;
    }

    /**
     * The sets of a matcher's last few lists, by identity: one query's list is the same object for every
     * document, and a matcher serves one collection, sometimes from several threads (copy-on-write array).
     * Lists are held weakly; a set lives until a newer list takes its slot.
     */
    static final class Cache {
        private static final int SLOTS = 4;

        private record Entry(WeakReference<Collection<?>> list, int size, InSet set) {
        }

        private volatile Entry[] entries = new Entry[0];

        InSet get(Collection<?> list) {
            Entry[] current = entries;
            for (Entry e : current) {
                if (e.list().get() == list && e.size() == list.size()) {
                    return e.set();
                }
            }
            InSet set = new InSet(list);
            Entry[] next = new Entry[Math.min(current.length + 1, SLOTS)];
            next[0] = new Entry(new WeakReference<>(list), list.size(), set);
            System.arraycopy(current, 0, next, 1, next.length - 1);
            entries = next;
            return set;
        }
    }
}
