package org.opsledger.inventory.internal;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.UUID;
import org.opsledger.shared.PageResult;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/discovery}: scan imports and the unauthorised-asset queue (IS.012 6.3.2). */
@RestController
@RequestMapping("/api/v1/discovery")
class DiscoveryController {

    private final DiscoveryService discovery;
    private final UnauthorizedAssets queue;

    DiscoveryController(DiscoveryService discovery, UnauthorizedAssets queue) {
        this.discovery = discovery;
        this.queue = queue;
    }

    @PostMapping(path = "/nmap", consumes = {"application/xml", "text/xml"})
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Import nmap -oX output (the XML as the body); dryRun=true shows the outcome and writes nothing")
    DiscoveryService.ImportResult importNmap(HttpServletRequest request, @RequestParam(defaultValue = "false") boolean dryRun)
            throws IOException {
        return discovery.importNmap(request.getInputStream(), dryRun);
    }

    @GetMapping("/unauthorized")
    @PreAuthorize(InventoryAccess.READ)
    @Operation(summary = "The unauthorised-asset queue: hosts discovery found that the inventory does not know")
    PageResult<UnauthorizedAssets.Entry> unauthorized(@RequestParam(required = false) String status,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return queue.list(status, Math.max(0, page), PageResult.clampSize(size));
    }

    @GetMapping("/unauthorized/{id}")
    @PreAuthorize(InventoryAccess.READ)
    UnauthorizedAssets.Entry entry(@PathVariable UUID id) {
        return queue.get(id);
    }

    @PostMapping("/unauthorized/{id}/disposition")
    @PreAuthorize(InventoryAccess.WRITE)
    @Operation(summary = "Disposition a host: add-to-inventory (with the item's owner and fields), remove (action plan "
            + "and due date) or false-positive (reason)")
    UnauthorizedAssets.Entry dispose(@PathVariable UUID id, @RequestBody UnauthorizedAssets.Disposition request) {
        return queue.dispose(id, request);
    }
}
