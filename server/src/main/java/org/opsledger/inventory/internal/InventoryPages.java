package org.opsledger.inventory.internal;

import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.opsledger.audit.AuditQuery;
import org.opsledger.audit.AuditTrail;
import org.opsledger.shared.PageResult;
import org.opsledger.shared.ProblemException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The inventory pages: the list with search, an item's page, the unauthorised-asset and drift queues, scan upload. */
@Controller
class InventoryPages {

    private final ItemService items;
    private final RelationshipService relationships;
    private final SoftwareService software;
    private final UnauthorizedAssets queue;
    private final DiscoveryService discovery;
    private final DriftService drift;
    private final HardeningService hardening;
    private final EndOfLifeService eol;
    private final DocumentService documents;
    private final AuditTrail audit;

    InventoryPages(ItemService items, RelationshipService relationships, SoftwareService software, UnauthorizedAssets queue,
            DiscoveryService discovery, DriftService drift, HardeningService hardening, EndOfLifeService eol,
            DocumentService documents, AuditTrail audit) {
        this.items = items;
        this.relationships = relationships;
        this.software = software;
        this.queue = queue;
        this.discovery = discovery;
        this.drift = drift;
        this.hardening = hardening;
        this.eol = eol;
        this.documents = documents;
        this.audit = audit;
    }

    private static Set<String> roles() {
        return SecurityContextHolder.getContext().getAuthentication().getAuthorities().stream()
                .map(GrantedAuthority::getAuthority).collect(Collectors.toSet());
    }

    private static void common(Model model) {
        Set<String> roles = roles();
        model.addAttribute("section", "inventory");
        model.addAttribute("canWrite", roles.contains("ROLE_ASSET_MANAGER"));
        model.addAttribute("canResolve", roles.contains("ROLE_ASSET_MANAGER") || roles.contains("ROLE_SECURITY_OFFICER"));
        model.addAttribute("canReadDocuments", roles.contains("ROLE_ASSET_MANAGER") || roles.contains("ROLE_SYSTEM_ADMINISTRATOR")
                || roles.contains("ROLE_SECURITY_OFFICER") || roles.contains("ROLE_AUDITOR"));
        // IS.012 6.4.3: whoever keeps the system asks for an end-of-life exception; a security officer decides
        model.addAttribute("canRequestException", roles.contains("ROLE_ASSET_MANAGER")
                || roles.contains("ROLE_SYSTEM_ADMINISTRATOR") || roles.contains("ROLE_SECURITY_OFFICER"));
        model.addAttribute("canDecideException", roles.contains("ROLE_SECURITY_OFFICER"));
    }

    @GetMapping("/inventory")
    @PreAuthorize(InventoryAccess.READ)
    String list(@RequestParam(required = false) String q, @RequestParam(required = false) String kind,
            @RequestParam(required = false) String tier, @RequestParam(required = false) String environment,
            @RequestParam(required = false) String lifecycle, @RequestParam(required = false) Boolean stale,
            @RequestParam(required = false) Boolean pastVendorSupport, @RequestParam(defaultValue = "0") int page,
            Model model) {
        common(model);
        ItemRepository.Filter filter = items.filter(q, kind, tier, environment, lifecycle, null, null,
                pastVendorSupport, stale);
        model.addAttribute("page", items.list(filter, Math.max(0, page), 50).map(items::view));
        model.addAttribute("q", q);
        model.addAttribute("kind", kind);
        model.addAttribute("tier", tier);
        model.addAttribute("environment", environment);
        model.addAttribute("lifecycle", lifecycle);
        model.addAttribute("stale", stale);
        model.addAttribute("pastVendorSupport", pastVendorSupport);
        model.addAttribute("kinds", List.of("server", "workstation", "network-device", "application", "database", "service",
                "cloud-service", "software"));
        model.addAttribute("openQueue", queue.list("open", 0, 1).totalItems());
        model.addAttribute("openAlerts", drift.list("alert", null, 0, 1).totalItems());
        return "inventory/list";
    }

    /** The list page's form: identifiers are comma- or space-separated. */
    @PostMapping("/inventory/items")
    @PreAuthorize(InventoryAccess.WRITE)
    String create(@RequestParam(required = false) String name, @RequestParam(required = false) String kind,
            @RequestParam(required = false) String tier, @RequestParam(required = false) String environment,
            @RequestParam(required = false) String owner, @RequestParam(required = false) String classification,
            @RequestParam(required = false) String hostnames, @RequestParam(required = false) String ipAddresses,
            @RequestParam(required = false) String macAddresses, @RequestParam(required = false) String vendorSupportEnds,
            @RequestParam(required = false) String location, RedirectAttributes flash) {
        try {
            ConfigurationItem item = items.create(new ItemRequest(name, kind, tier, environment, null, owner, null,
                    classification, split(hostnames), split(ipAddresses), split(macAddresses), null, vendorSupportEnds,
                    location));
            flash.addFlashAttribute("message", item.name() + " added to the inventory");
            return "redirect:/inventory/items/" + item.id();
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", (e.field() == null ? "" : e.field() + ": ") + e.getMessage());
            return "redirect:/inventory";
        }
    }

    private static List<String> split(String values) {
        return values == null || values.isBlank() ? List.of() : List.of(values.strip().split("[,\\s]+"));
    }

    @GetMapping("/inventory/items/{id}")
    @PreAuthorize(InventoryAccess.READ)
    String item(@PathVariable UUID id, Model model) {
        common(model);
        ConfigurationItem item = items.get(id);
        model.addAttribute("item", items.view(item));
        PageResult<RelationshipService.Relationship> related = relationships.of(id, 0, 100);
        model.addAttribute("relationships", related);
        model.addAttribute("graph", RelationshipGraph.of(item, related.items()));
        model.addAttribute("software", software.of(id, 0, 50));
        model.addAttribute("drift", drift.list("all", id, 0, 20));
        model.addAttribute("hardening", hardening.of(id, 0, 5));
        model.addAttribute("exceptions", eol.list("all", id, 0, 10));
        model.addAttribute("history", audit.search(new AuditQuery(null, null, null, "configuration-item", id.toString(), null,
                null), 0, 20));
        if ((Boolean) model.getAttribute("canReadDocuments")) {
            model.addAttribute("documents", documents.of(id, 0, 20));
        }
        return "inventory/item";
    }

    @PostMapping("/inventory/items/{id}/eol-exceptions")
    @PreAuthorize(InventoryAccess.REQUEST_EXCEPTION)
    String requestException(@PathVariable UUID id, @RequestParam(required = false) String justification,
            @RequestParam(required = false) String expiresOn, RedirectAttributes flash) {
        try {
            eol.request(id, new EndOfLifeService.NewException(justification, expiresOn));
            flash.addFlashAttribute("message", "End-of-life exception requested; a security officer decides it");
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", (e.field() == null ? "" : e.field() + ": ") + e.getMessage());
        }
        return "redirect:/inventory/items/" + id;
    }

    @PostMapping("/inventory/eol-exceptions/{id}")
    @PreAuthorize(InventoryAccess.SECURITY_OFFICER)
    String decideException(@PathVariable UUID id, @RequestParam String decision, @RequestParam(required = false) String note,
            RedirectAttributes flash) {
        UUID item = eol.get(id).itemId();
        try {
            EndOfLifeService.EolException e = eol.decide(id, "approve".equals(decision), new EndOfLifeService.Decision(note));
            flash.addFlashAttribute("message", "End-of-life exception " + e.status());
        } catch (ProblemException | org.opsledger.identity.SeparationOfDutiesViolation e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/inventory/items/" + item;
    }

    @GetMapping("/inventory/unauthorized")
    @PreAuthorize(InventoryAccess.READ)
    String unauthorized(@RequestParam(defaultValue = "open") String status, @RequestParam(defaultValue = "0") int page,
            Model model) {
        common(model);
        model.addAttribute("status", status);
        model.addAttribute("page", queue.list(status, Math.max(0, page), 50));
        model.addAttribute("today", LocalDate.now());
        return "inventory/unauthorized";
    }

    @PostMapping("/inventory/unauthorized/{id}")
    @PreAuthorize(InventoryAccess.WRITE)
    String dispose(@PathVariable UUID id, @RequestParam String disposition, @RequestParam(required = false) String note,
            @RequestParam(required = false) String dueDate, @RequestParam(required = false) String owner,
            @RequestParam(required = false) String name, @RequestParam(required = false) String kind,
            @RequestParam(required = false) String tier, @RequestParam(required = false) String environment,
            @RequestParam(required = false) String classification, RedirectAttributes flash) {
        ItemRequest item = disposition.equals("add-to-inventory") ? new ItemRequest(name, kind, tier, environment, null, owner,
                null, classification, null, null, null, null, null, null) : null;
        try {
            UnauthorizedAssets.Entry e = queue.dispose(id, new UnauthorizedAssets.Disposition(disposition, item, note, dueDate));
            flash.addFlashAttribute("message", e.label() + ": " + e.status());
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/inventory/unauthorized";
    }

    @GetMapping("/inventory/drift")
    @PreAuthorize(InventoryAccess.READ)
    String drift(@RequestParam(defaultValue = "alert") String status, @RequestParam(defaultValue = "0") int page, Model model) {
        common(model);
        model.addAttribute("status", status);
        model.addAttribute("page", drift.list(status, null, Math.max(0, page), 50));
        return "inventory/drift";
    }

    @PostMapping("/inventory/drift/{id}/resolve")
    @PreAuthorize(InventoryAccess.APPROVE)
    String resolve(@PathVariable UUID id, @RequestParam(required = false) String resolution, RedirectAttributes flash) {
        try {
            drift.resolve(id, new DriftService.Resolution(resolution));
            flash.addFlashAttribute("message", "Alert resolved");
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/inventory/drift";
    }

    @GetMapping("/inventory/discovery")
    @PreAuthorize(InventoryAccess.WRITE)
    String discoveryForm(Model model) {
        common(model);
        return "inventory/discovery";
    }

    @PostMapping("/inventory/discovery")
    @PreAuthorize(InventoryAccess.WRITE)
    String upload(@RequestParam(required = false) MultipartFile scan, @RequestParam(defaultValue = "false") boolean dryRun,
            Model model) throws IOException {
        common(model);
        if (scan == null || scan.isEmpty()) {
            model.addAttribute("error", "Choose the XML file nmap wrote (nmap -oX FILE)");
            return "inventory/discovery";
        }
        try {
            model.addAttribute("result", discovery.importNmap(scan.getInputStream(), dryRun));
        } catch (ProblemException e) {
            model.addAttribute("error", e.getMessage());
        }
        return "inventory/discovery";
    }
}
