package org.opsledger.change.internal;

import io.swagger.v3.oas.annotations.Operation;
import java.security.Principal;
import org.opsledger.shared.PageResult;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The change notifications a person received (IS.012 6.2.6), whatever their role. */
@RestController
class NotificationController {

    private final StakeholderNotifications notifications;

    NotificationController(StakeholderNotifications notifications) {
        this.notifications = notifications;
    }

    @GetMapping("/api/v1/changes/notifications")
    @PreAuthorize("isAuthenticated()")
    @Operation(summary = "The change notifications sent to your e-mail address, as a stakeholder or through a group, newest first")
    PageResult<StakeholderNotifications.Received> mine(Principal me, @RequestParam(defaultValue = "0") int page,
            @RequestParam(defaultValue = "50") int size) {
        return notifications.receivedBy(me.getName(), Math.max(0, page), PageResult.clampSize(size));
    }
}
