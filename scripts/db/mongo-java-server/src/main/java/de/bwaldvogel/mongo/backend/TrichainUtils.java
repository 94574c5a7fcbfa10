package de.bwaldvogel.mongo.backend;

/**
 * Opens package-private helpers of mongo-java-server's Utils to trichain's launcher (trichain.db), like
 * TrichainProjection: it lives in the library's package only for that access and holds no logic of its own.
 */
public final class TrichainUtils {

    private TrichainUtils() {
    }

    public static boolean hasSubdocumentValue(Object document, String key) {
        return Utils.hasSubdocumentValue(document, key);
    }

    public static Object normalizeValue(Object value) {
        return Utils.normalizeValue(value);
    }
}
