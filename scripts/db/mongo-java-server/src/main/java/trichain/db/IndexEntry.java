package trichain.db;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Decimal128;

/**
 * One key of a SecondaryIndex: the document's values for the index's fields, then its position (the H2 map
 * key, i.e. the _id, or the memory backend's slot), so equal values stay distinct entries and sort in natural
 * order. A probe (side -1 / +1) has a prefix of the values and no position: it sorts just before / after
 * every entry with that prefix, which is how range bounds are expressed.
 * <p>
 * Stored in an MVMap with H2's default ObjectDataType, which orders Comparable keys of one class with
 * compareTo. Numbers are compared exactly (5 = 5.0, 5.5 &gt; 5): ValueComparator compares a Long with a
 * Double by truncating both to long, which is not a total order (5 = 5.5, 5 = 5.9, 5.5 &lt; 5.9) and would
 * corrupt a sorted map.
 */
final class IndexEntry implements Serializable, Comparable<IndexEntry> {

    private static final long serialVersionUID = 1L;

    final Object[] values;
    final Object position;
    /** 0 for a stored entry; -1 / +1 for a probe that sorts before / after every entry with its prefix. */
    final transient int side;

    IndexEntry(Object[] values, Object position) {
        this(values, position, 0);
    }

    private IndexEntry(Object[] values, Object position, int side) {
        this.values = values;
        this.position = position;
        this.side = side;
    }

    static IndexEntry before(Object... prefix) {
        return new IndexEntry(prefix, null, -1);
    }

    static IndexEntry after(Object... prefix) {
        return new IndexEntry(prefix, null, 1);
    }

    @Override
    public int compareTo(IndexEntry other) {
        int n = Math.min(values.length, other.values.length);
        for (int i = 0; i < n; i++) {
            int c = compareValues(values[i], other.values[i]);
            if (c != 0) {
                return c;
            }
        }
        if (side != 0 || other.side != 0) {
            return Integer.compare(side, other.side);
        }
        if (values.length != other.values.length) {
            return Integer.compare(values.length, other.values.length);
        }
        return compareValues(position, other.position);
    }

    /** MongoDB's type order (ValueComparator), with numbers compared exactly. */
    static int compareValues(Object a, Object b) {
        // The common same-type cases first, exactly as ValueComparator orders them (it finds the types' sort
        // order through a list lookup per comparison: a third of an index insert's time, JFR launcher -r3).
        if (a instanceof String sa && b instanceof String sb) {
            return sa.compareTo(sb);
        }
        if (a instanceof Instant ta && b instanceof Instant tb) {
            return ta.compareTo(tb);
        }
        if (a instanceof Number && b instanceof Number && !(a instanceof Decimal128) && !(b instanceof Decimal128)) {
            return compareNumbers((Number) a, (Number) b);
        }
        return ValueComparator.asc().compare(Missing.isNullOrMissing(a) ? null : a, Missing.isNullOrMissing(b) ? null : b);
    }

    private static boolean isFloating(Number n) {
        return n instanceof Double || n instanceof Float;
    }

    static int compareNumbers(Number a, Number b) {
        boolean fa = isFloating(a);
        boolean fb = isFloating(b);
        if (!fa && !fb) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (fa && fb) {
            return Double.compare(a.doubleValue(), b.doubleValue()); // NaN above +Infinity, as Double.compare
        }
        double d = fa ? a.doubleValue() : b.doubleValue();
        long l = fa ? b.longValue() : a.longValue();
        int doubleVsLong;
        if (Double.isNaN(d) || d == Double.POSITIVE_INFINITY) {
            doubleVsLong = 1;
        } else if (d == Double.NEGATIVE_INFINITY) {
            doubleVsLong = -1;
        } else {
            doubleVsLong = new BigDecimal(d).compareTo(BigDecimal.valueOf(l));
        }
        return fa ? doubleVsLong : -doubleVsLong;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexEntry && compareTo((IndexEntry) o) == 0;
    }

    @Override
    public int hashCode() {
        // Consistent with equals (5 and 5.0 are equal here but hash differently); never used as a hash key.
        return values.length;
    }

    @Override
    public String toString() {
        return Arrays.toString(values) + "@" + position + (side == 0 ? "" : side < 0 ? "-" : "+");
    }
}
