package org.opsledger.inventory.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.util.UUID;
import org.opsledger.shared.PageResult;
import org.springframework.http.ContentDisposition;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** Network architecture and configuration documents of items (ECOMP 8.2, 11.9). */
@RestController
class DocumentController {

    private final DocumentService documents;

    DocumentController(DocumentService documents) {
        this.documents = documents;
    }

    @PostMapping(path = "/api/v1/items/{id}/documents", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @PreAuthorize(InventoryAccess.WRITE_DOCUMENTS)
    @Operation(summary = "Attach a document (kind: network-architecture, configuration, procedure, other; up to 10 MB)")
    ResponseEntity<DocumentService.Document> attach(@PathVariable UUID id, @RequestParam(required = false) String kind,
            @RequestParam(required = false) String title, @RequestParam(required = false) MultipartFile file)
            throws IOException {
        byte[] content = file == null ? null : file.getBytes();
        return ResponseEntity.status(201).body(documents.attach(id, kind, title,
                file == null ? null : file.getOriginalFilename(), content));
    }

    @GetMapping("/api/v1/items/{id}/documents")
    @PreAuthorize(InventoryAccess.READ_DOCUMENTS)
    PageResult<DocumentService.Document> list(@PathVariable UUID id, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return documents.of(id, Math.max(0, page), PageResult.clampSize(size));
    }

    @GetMapping("/api/v1/documents/{id}")
    @PreAuthorize(InventoryAccess.READ_DOCUMENTS)
    @Operation(summary = "Download a document, as an attachment")
    ResponseEntity<byte[]> download(@PathVariable UUID id) {
        DocumentService.Content c = documents.read(id);
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", ContentDisposition.attachment().filename(c.document().fileName()).build().toString())
                .header("X-Content-Type-Options", "nosniff")
                .header("Digest", "sha-256=" + c.document().sha256())
                .body(c.bytes());
    }
}
