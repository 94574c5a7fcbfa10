package de.bwaldvogel.mongo.backend;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Opens mongo-java-server's package-private {@code Projection} to trichain's launcher, so a streaming
 * cursor (trichain.db.StreamingH2Collection) projects documents exactly as the server's own find does.
 * It lives in the library's package only for that access; it holds no logic of its own.
 */
public final class TrichainProjection {
    private final Projection projection;

    public TrichainProjection(Document fieldSelector, String idField) {
        this.projection = new Projection(fieldSelector, idField);
    }

    public Document project(Document document) {
        return projection.projectDocument(document);
    }
}
